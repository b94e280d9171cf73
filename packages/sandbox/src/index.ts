/** @avala-fetch/sandbox — filled by the sandbox issue. */
export {};
