import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './apollo.js';
import { App } from './App.js';
import { ResponseStore } from './response-store.js';
import './styles.css';

const responses = new ResponseStore();
const client = createClient(responses);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <App responses={responses} />
    </ApolloProvider>
  </StrictMode>,
);
