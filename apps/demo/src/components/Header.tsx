import { demoConfig, type KeyChoice, keyChoices } from '../config.js';
import type { Route } from '../router.js';
import { RateLimitMeter } from './RateLimitMeter.js';
import { ThemeToggle } from './ThemeToggle.js';

const tabs = [
  { href: '#/datasets', label: 'Datasets', active: ['datasets', 'dataset'] },
  { href: '#/projects', label: 'Projects', active: ['projects'] },
  { href: '#/upload', label: 'Upload', active: ['upload'] },
  { href: '#/exports', label: 'Exports', active: ['exports'] },
  { href: '#/burst', label: 'Burst', active: ['burst'] },
  { href: '#/chaos', label: 'Chaos', active: ['chaos'], sandboxOnly: true },
] as const;

/** The top of every screen: where the demo is connected, which key it uses, the budget. */
export function Header({
  route,
  keyChoice,
  onKeyChange,
}: {
  route: Route;
  keyChoice: KeyChoice;
  onKeyChange: (choice: KeyChoice) => void;
}) {
  const sandbox = demoConfig.mode === 'sandbox';
  return (
    <header className="app-header">
      <div className="app-header__bar">
        <h1 className="app-title">avala-fetch demo</h1>
        {sandbox ? (
          <span className="mode-badge" title={demoConfig.sandboxUrl}>
            Sandbox · {demoConfig.sandboxUrl?.replace(/^https?:\/\//, '')}
          </span>
        ) : (
          <span className="mode-badge mode-badge--real" title="Key added by the dev server proxy">
            Real Avala API · via proxy
          </span>
        )}
        <div className="header-controls">
          {sandbox && (
            <label className="key-switcher">
              API key
              <select
                value={keyChoice}
                onChange={(event) => onKeyChange(event.target.value as KeyChoice)}
                data-testid="key-switcher"
              >
                {keyChoices.map((choice) => (
                  <option key={choice.id} value={choice.id}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          <RateLimitMeter />
          <ThemeToggle />
        </div>
      </div>
      <nav className="nav" aria-label="Screens">
        {tabs
          .filter((tab) => sandbox || !('sandboxOnly' in tab))
          .map((tab) => (
            <a
              key={tab.href}
              href={tab.href}
              aria-current={
                (tab.active as readonly string[]).includes(route.name) ? 'page' : undefined
              }
            >
              {tab.label}
            </a>
          ))}
      </nav>
    </header>
  );
}
