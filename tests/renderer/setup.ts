// Registers @testing-library/svelte's setup and its cleanup (unmount + DOM reset) around every test.
import '@testing-library/svelte/vitest';
