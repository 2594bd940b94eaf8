/**
 * The Engine API's answers, as JSON, in the parts dual reads: the one description of each,
 * used by the mappers in answers.ts, the proxy's routes and the attached containers' clones.
 * Fields the engine always sends are still optional here: every reader has a default.
 */
export interface ContainerInspect {
  Id: string;
  Name: string;
  State?: { Status?: string; Running?: boolean; StartedAt?: string; FinishedAt?: string };
  /** Exec sessions running in the container (the engine drops finished ones). */
  ExecIDs?: string[] | null;
  Config?: {
    Image?: string;
    Cmd?: string[] | null;
    Env?: string[] | null;
    User?: string;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    StopTimeout?: number;
    Tty?: boolean;
  };
  HostConfig?: {
    NetworkMode?: string;
    Binds?: string[] | null;
    Mounts?: Array<{ Type: string; Source: string; Target: string }> | null;
    Init?: boolean | null;
    Memory?: number;
    NanoCpus?: number;
  };
  NetworkSettings?: {
    IPAddress?: string;
    Networks?: Record<string, { IPAddress?: string }> | null;
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  };
  Mounts?: Array<{ Type: string; Name?: string; Source: string; Destination: string }> | null;
}

/** One entry of GET /containers/json. */
export interface ContainerListEntry {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  Image: string;
  Labels: Record<string, string> | null;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null } | null;
}
