export const chunk = 1; // first-party code-split chunk
