/**
 * A command line for the user to copy: each word stays one word and nothing in it is run by
 * the shell (`;`, `$IFS`, quotes...). Plain words are left as they are, so hints stay readable.
 */
export function shellQuote(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
