import { createServer } from 'node:net';

/** The address `npm start` would listen on is taken: said before any database work, with how to choose another. */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `${host}:${port} is already in use (another Evergreen still running, or another program). ` +
        'Stop it, or start on another port: PORT=3001 npm start',
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Listens on the address for a moment and lets it go, so a taken port is reported in well under a second instead of
 * after embedded PostgreSQL, migrations and the demo seed. Port 0 (any free port) is never taken. Another program
 * may still take the port before the app listens; `listen` then fails with EADDRINUSE, reported the same way.
 */
export async function assertPortAvailable(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
