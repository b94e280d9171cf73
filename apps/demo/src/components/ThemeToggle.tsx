import { useEffect, useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'avala-demo:theme';
const next: Record<Theme, Theme> = { system: 'dark', dark: 'light', light: 'system' };

function storedTheme(): Theme {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/**
 * Light, dark, or the system's `prefers-color-scheme` (the default): the choice is kept in
 * `localStorage` and applied as `<html data-theme>`, which the stylesheet reads.
 */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') {
      delete root.dataset.theme;
      window.localStorage.removeItem(STORAGE_KEY);
    } else {
      root.dataset.theme = theme;
      window.localStorage.setItem(STORAGE_KEY, theme);
    }
  }, [theme]);
  return (
    <button
      type="button"
      className="theme-toggle"
      data-testid="theme-toggle"
      onClick={() => setTheme(next[theme])}
    >
      Theme: {theme === 'system' ? 'system' : theme}
    </button>
  );
}
