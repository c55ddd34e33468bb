import type { ReactElement } from 'react';
import type { QueryCost } from './response-store.js';

/** Each operation's latest `extensions.cost`: what the API priced it at, and the upstream calls it made. */
export function CostFooter({ costs }: { costs: ReadonlyMap<string, QueryCost> }): ReactElement {
  return (
    <footer className="footer">
      Query cost (<code>extensions.cost</code>):{' '}
      {costs.size === 0
        ? 'none yet'
        : [...costs].map(([operation, cost], index) => (
            <span key={operation} data-operation={operation}>
              {index > 0 && ' · '}
              {operation} {cost.estimated} estimated, {cost.actual} upstream {cost.actual === 1 ? 'call' : 'calls'} (limit {cost.limit})
            </span>
          ))}
    </footer>
  );
}
