import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { fetchEarly } from './api/client.ts';
import { App } from './app.tsx';
import './styles.css';

// The session check travels while React starts, rather than after its first render.
fetchEarly(['/auth/me']);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
