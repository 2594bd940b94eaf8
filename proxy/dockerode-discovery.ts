import type Docker from 'dockerode';
import { engineAddress } from '../src/adapters/docker/connection.js';
import { dockerodeOptions } from '../src/adapters/docker/engine-agent.js';
import type { InspectAnswer } from './container-record.js';
import { ROUTE_ACTIONS, type ContainerEvent, type DockerDiscovery, type EventSubscription } from './docker-discovery.js';
import { homeFilters, LABEL } from '../src/model/labels.js';

/** DockerDiscovery over dockerode. dockerode costs ~160 ms to load, so it is imported here, lazily. */
export async function createDockerodeDiscovery(home: string): Promise<DockerDiscovery> {
  const { default: DockerCtor } = await import('dockerode');
  const address = engineAddress();
  const docker = new DockerCtor(dockerodeOptions(address));
  return new DockerodeDiscovery(docker, address.display, homeFilters(home, LABEL.workspace));
}

class DockerodeDiscovery implements DockerDiscovery {
  constructor(
    private readonly docker: Docker,
    readonly display: string,
    /** Only this DUAL_HOME's containers: another installation's are not ours to route. */
    private readonly labels: string[],
  ) {}

  async listLabelled(): Promise<InspectAnswer[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: this.labels } });
    const answers = await Promise.all(list.map((c) => this.inspect(c.Id)));
    return answers.filter((a): a is InspectAnswer => a !== undefined);
  }

  async inspect(containerId: string): Promise<InspectAnswer | undefined> {
    try {
      return (await this.docker.getContainer(containerId).inspect()) as unknown as InspectAnswer;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async subscribe(onEvent: (event: ContainerEvent) => void, onEnd: (error?: Error) => void): Promise<EventSubscription> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], label: this.labels, event: [...ROUTE_ACTIONS] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    let closedByUs = false;
    let buffered = '';
    let ended = false;
    const end = (error?: Error) => {
      if (ended || closedByUs) return;
      ended = true;
      onEnd(error);
    };
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        try {
          const event = JSON.parse(line) as { id?: string; Action?: string; status?: string; Actor?: { ID?: string } };
          const containerId = event.Actor?.ID ?? event.id;
          const action = event.Action ?? event.status ?? '';
          if (containerId) onEvent({ containerId, action });
        } catch {
          // A torn line cannot happen with newline framing; ignore anything unparsable.
        }
      }
    });
    stream.on('error', (error: Error) => end(error));
    stream.on('end', () => end());
    stream.on('close', () => end());
    return {
      close: () => {
        closedByUs = true;
        stream.destroy();
      },
    };
  }

  async isDockerDesktop(): Promise<boolean> {
    const info = (await this.docker.info()) as { OperatingSystem?: string };
    return /docker desktop/i.test(info.OperatingSystem ?? '');
  }
}
