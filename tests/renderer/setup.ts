// Registers @testing-library/svelte's setup and its cleanup (unmount + DOM reset) around every test.
import '@testing-library/svelte/vitest';

import { beforeEach } from 'vitest';

// The app keeps its view in the URL's hash: every test starts from a page without one.
beforeEach(() => {
  history.replaceState(null, '', '/');
});
