import { parentPort, workerData } from 'node:worker_threads';
import { connect } from 'nats';

/** A trivial NATS responder in its own thread and connection: replies with a fixed payload. */
async function main(): Promise<void> {
  const { natsUrl, subject, replyBytes } = workerData as { natsUrl: string; subject: string; replyBytes: number };
  const nc = await connect({ servers: natsUrl, name: 'bench-nats-responder' });
  const reply = new Uint8Array(replyBytes).fill(0x61);
  const sub = nc.subscribe(subject, { queue: 'bench-echo' });
  parentPort!.on('message', (m: string) => {
    // a failed drain still counts as stopped: the bench closes the server either way
    if (m === 'stop')
      void nc
        .drain()
        .catch(() => undefined)
        .then(() => parentPort!.postMessage('stopped'));
  });
  await nc.flush();
  parentPort!.postMessage('ready');
  for await (const msg of sub) msg.respond(reply);
}

main().catch((err) => parentPort!.postMessage(`error: ${(err as Error).message}`));
