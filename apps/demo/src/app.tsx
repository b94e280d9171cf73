import { AvalaProvider } from '@avala-fetch/react';
import { useEffect, useRef, useState } from 'react';
import { Header } from './components/Header.js';
import { Banners, NoticeToaster, showNoticeToast } from './components/Notices.js';
import { type KeyChoice, storedKeyChoice, storeKeyChoice } from './config.js';
import { type Route, useRoute } from './router.js';
import { BurstScreen } from './screens/BurstScreen.js';
import { ChaosScreen } from './screens/ChaosScreen.js';
import { DatasetDetail } from './screens/DatasetDetail.js';
import { DatasetsScreen } from './screens/DatasetsScreen.js';
import { ExportsScreen } from './screens/ExportsScreen.js';
import { NotFoundPage } from './screens/NotFoundPage.js';
import { ProjectsScreen } from './screens/ProjectsScreen.js';
import { UploadScreen } from './screens/UploadScreen.js';
import { demoSession } from './session.js';

/**
 * The whole demo. Switching keys (or resetting from the Chaos screen) starts a new session:
 * a new client and query cache, since another key sees other data and has its own
 * rate-limit budget, and its notices start fresh.
 */
export function App() {
  const route = useRoute();
  const [keyChoice, setKeyChoice] = useState<KeyChoice>(storedKeyChoice);
  const [generation, setGeneration] = useState(0);
  const session = demoSession(keyChoice, generation);

  const changeKey = (choice: KeyChoice) => {
    storeKeyChoice(choice);
    setKeyChoice(choice);
  };
  const reset = () => setGeneration((n) => n + 1);
  useRouteAnnouncement(route);

  return (
    <AvalaProvider
      client={session.client}
      queryClient={session.queryClient}
      onNotice={showNoticeToast}
      key={session.id}
    >
      <Header route={route} keyChoice={keyChoice} onKeyChange={changeKey} />
      <Banners
        onKeyChange={(choice) => {
          changeKey(choice);
          // The banner goes with the old key: focus the screen's heading, not <body>.
          requestAnimationFrame(() => {
            const heading = document.querySelector<HTMLElement>('main h2');
            heading?.setAttribute('tabindex', '-1');
            heading?.focus();
          });
        }}
      />
      <main>
        <Screen route={route} onReset={reset} />
      </main>
      <NoticeToaster />
    </AvalaProvider>
  );
}

function Screen({ route, onReset }: { route: Route; onReset: () => void }) {
  switch (route.name) {
    case 'datasets':
      return <DatasetsScreen />;
    case 'dataset':
      return <DatasetDetail uid={route.uid} />;
    case 'projects':
      return <ProjectsScreen />;
    case 'exports':
      return <ExportsScreen />;
    case 'upload':
      return <UploadScreen />;
    case 'burst':
      return <BurstScreen />;
    case 'chaos':
      return <ChaosScreen onReset={onReset} />;
    case 'not-found':
      return <NotFoundPage what="Page" detail={undefined} />;
  }
}

const titles: Record<Route['name'], string> = {
  datasets: 'Datasets',
  dataset: 'Dataset',
  projects: 'Projects',
  exports: 'Exports',
  upload: 'Upload',
  burst: 'Burst',
  chaos: 'Chaos',
  'not-found': 'Not found',
};

/**
 * A route change says so: the document title names the screen, and focus moves to its
 * heading (not on the first load), so a screen-reader user hears where they are.
 */
function useRouteAnnouncement(route: Route) {
  const first = useRef(true);
  useEffect(() => {
    document.title = `${titles[route.name]} · avala-fetch demo`;
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h2');
      if (!heading) return;
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [route.name]);
}
