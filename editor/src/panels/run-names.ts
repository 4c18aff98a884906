/**
 * The name a run shows under: the server keeps the saved workflow's name with runs of saved
 * workflows, and the name the submitter gave (the editor sends its tab's workflow name);
 * a re-run keeps the name of the run it repeats.
 */
export function runName(run: { name: string | null }): string | undefined {
  return run.name ?? undefined;
}
