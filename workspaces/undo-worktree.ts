import { shellCommand } from '../src/model/shell-quote.js';
import type { Context } from '../src/adapters/context.js';

/**
 * Rollback of a worktree `dual create` made. Files may have been written into it while the
 * create ran (an editor, an agent, a long pull cut by Ctrl-C): such a worktree is kept, with
 * its branch, and one line says where it is and how to remove it. An untouched one is
 * removed, and its branch too when this run created it and it has not moved.
 */
export async function undoWorktree(
  ctx: Context,
  repoPath: string,
  path: string,
  branch: string,
  createdHead: string | undefined,
): Promise<void> {
  const changed = [...(await ctx.git.uncommittedChanges(path)).map((l) => l.slice(3)), ...(await ctx.git.ignoredFiles(path))];
  if (changed.length > 0) {
    const files = changed.slice(0, 3).join(', ') + (changed.length > 3 ? ` and ${changed.length - 3} more` : '');
    const remove = shellCommand(['git', '-C', repoPath, 'worktree', 'remove', '--force', path]);
    ctx.log(`dual: kept worktree ${path}: it holds changes made while this create ran (${files}); once they are safe, remove it with: ${remove}`);
    return;
  }
  await ctx.git.removeWorktree(repoPath, path);
  if (createdHead && (await ctx.git.branchHead(repoPath, branch)) === createdHead) await ctx.git.deleteBranch(repoPath, branch);
}
