import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';

/*
 * PostgreSQL's cancel request (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS):
 * a new connection to the server carrying the session's process id and its key, not the password,
 * after which the server stops that session's running statement. Ending the session alone would
 * not: PostgreSQL notices a closed client only when it next writes to it. pg has no public API for
 * this, so the 16 bytes are written here; over TLS when the credential's connections use it.
 */

const CANCEL_REQUEST_CODE = 80877102;
const SSL_REQUEST_CODE = 80877103;
/** A cancel that has not gone out by then is dropped: the statement timeout still ends the statement. */
const CANCEL_TIMEOUT_MS = 5000;

export interface RunningSession {
  readonly host: string;
  readonly port: number;
  readonly processId: number;
  readonly secretKey: number;
  /** TLS options as the session connected with them; false for a plain connection. */
  readonly tls: false | ConnectionOptions;
}

function cancelPacket(processId: number, secretKey: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(processId, 8);
  packet.writeInt32BE(secretKey, 12);
  return packet;
}

/** Sends the cancel request; resolves when it has gone out or could not be sent (nothing to report: best effort). */
export function requestCancel(session: RunningSession): Promise<void> {
  return new Promise((resolve) => {
    const packet = cancelPacket(session.processId, session.secretKey);
    const sockets: Socket[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, CANCEL_TIMEOUT_MS);
    const socket = tcpConnect(session.port, session.host);
    sockets.push(socket);
    socket.on('error', done);
    // The server closes the connection once it has read the request.
    socket.on('close', done);
    socket.once('connect', () => {
      if (session.tls === false) {
        socket.end(packet);
        return;
      }
      const sslRequest = Buffer.alloc(8);
      sslRequest.writeInt32BE(8, 0);
      sslRequest.writeInt32BE(SSL_REQUEST_CODE, 4);
      socket.write(sslRequest);
      socket.once('data', (answer) => {
        if (answer.toString('latin1', 0, 1) !== 'S') return done();
        // A name is sent for the server to pick its certificate by; an address may not be (RFC 6066).
        const servername = isIP(session.host) ? {} : { servername: session.host };
        const secure = tlsConnect({ ...session.tls, ...servername, socket, host: session.host });
        sockets.push(secure);
        secure.on('error', done);
        secure.once('secureConnect', () => secure.end(packet));
      });
    });
  });
}
