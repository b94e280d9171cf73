/** @avala-fetch/react — filled by the react issue. */
export {};
