import type http from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EngineAddress } from './connection.js';
import { dialTls } from './docker-tls.js';
import { dialSsh } from './ssh-dial.js';

/**
 * How every client reaches the engine, whatever the transport: an http.Agent whose
 * connections are a unix socket, a TCP socket, a TLS socket or an ssh child's stdio. Clients
 * send plain HTTP requests through it and never look at the address themselves, so the CLI,
 * the workspace manager and the proxy connect the same way to the same engine.
 */
export function engineAgent(address: EngineAddress, options: { keepAlive: boolean }): http.Agent {
  // node:http is loaded here, on first use: `dual exec` never needs it (engine-exchange.ts).
  const { Agent } = process.getBuiltinModule('node:http') as typeof http;
  // node:http accepts either a socket returned here or one passed to the callback later.
  const agent = new Agent(options) as http.Agent & { createConnection(options: unknown, callback: Connected): Duplex };
  agent.createConnection = (_options: unknown, callback: Connected) => dialEngine(address, callback) as Duplex;
  return agent;
}

type Connected = (error: Error | null, socket?: Duplex) => void;

/** Opens one connection to the engine; TLS hands it over after the handshake (docker-tls.ts). */
export function dialEngine(address: EngineAddress, done: Connected): Duplex | undefined {
  if (address.kind === 'unix') return connect(address.socketPath);
  if (address.kind === 'ssh') return dialSsh(address.target, address.display);
  if (!address.tls) return connect(address.port, address.host);
  dialTls(address.host, address.port, address.tls, address.display, done);
  return undefined;
}
