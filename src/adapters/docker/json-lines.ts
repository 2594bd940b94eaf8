/**
 * Streams of newline-separated JSON (the events stream, pull progress): each complete line
 * parsed and handed on; a line split across chunks waits for its end.
 */
export function onJsonLines(stream: NodeJS.ReadableStream, onValue: (value: unknown) => void): void {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // newline framing cannot tear a line: anything unparsable is not ours to read
      }
      onValue(value);
    }
  });
}
