import { createAvalaClient } from '@avala-fetch/core';
import { AvalaProvider } from '@avala-fetch/react';
import { QueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Header } from './components/Header.js';
import { Banners, Toasts, useRecoveredToasts } from './components/Notices.js';
import {
  apiBaseUrl,
  apiKeyFor,
  type KeyChoice,
  storedKeyChoice,
  storeKeyChoice,
} from './config.js';
import { type Route, useRoute } from './router.js';
import { ChaosScreen } from './screens/ChaosScreen.js';
import { DatasetDetail } from './screens/DatasetDetail.js';
import { DatasetsScreen } from './screens/DatasetsScreen.js';
import { ExportsScreen } from './screens/ExportsScreen.js';
import { NotFoundPage } from './screens/NotFoundPage.js';
import { ProjectsScreen } from './screens/ProjectsScreen.js';

/**
 * The whole demo. Switching keys builds a new client and a new query cache: another key
 * may see other data and has its own rate-limit budget, and its notices start fresh.
 */
export function App() {
  const route = useRoute();
  const [keyChoice, setKeyChoice] = useState<KeyChoice>(storedKeyChoice);
  const recovered = useRecoveredToasts();

  const { client, queryClient } = useMemo(() => {
    const apiKey = apiKeyFor(keyChoice);
    return {
      // In real-API mode there is no key here: the dev server's proxy adds it.
      client: createAvalaClient({ baseUrl: apiBaseUrl(), ...(apiKey ? { apiKey } : {}) }),
      queryClient: new QueryClient(),
    };
  }, [keyChoice]);

  const changeKey = (choice: KeyChoice) => {
    storeKeyChoice(choice);
    setKeyChoice(choice);
  };

  return (
    <AvalaProvider
      client={client}
      queryClient={queryClient}
      onNotice={recovered.onNotice}
      key={keyChoice}
    >
      <Header route={route} keyChoice={keyChoice} onKeyChange={changeKey} />
      <Banners />
      <main>
        <Screen route={route} />
      </main>
      <Toasts recovered={recovered.toasts} onDismissRecovered={recovered.dismiss} />
    </AvalaProvider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'datasets':
      return <DatasetsScreen />;
    case 'dataset':
      return <DatasetDetail uid={route.uid} />;
    case 'projects':
      return <ProjectsScreen />;
    case 'exports':
      return <ExportsScreen />;
    case 'chaos':
      return <ChaosScreen />;
    case 'not-found':
      return <NotFoundPage what="Page" detail={undefined} />;
  }
}
