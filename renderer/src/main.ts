import { mount } from 'svelte';
import { z } from 'zod';
import './app.css';
import App from './App.svelte';
import { connectApi } from './lib/api/connectApi';
import { ConnectionState } from './lib/api/connection.svelte';

// The CSP forbids eval: tell zod not to probe for it (its JIT would use `new Function`).
z.config({ jitless: true });

const target = document.getElementById('app');
if (!target) throw new Error('Emotion Studio: #app element missing from index.html');

const connection = new ConnectionState();
const client = connectApi({ onStatus: (status, detail) => connection.set(status, detail ?? null) });

mount(App, { target, props: { client, connection } });
