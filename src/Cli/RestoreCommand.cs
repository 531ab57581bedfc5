using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof restore &lt;dll or folder&gt;...</c>: puts back, byte for byte, what in-place weaving replaced.
    /// A folder gets back every assembly, pdb and deps.json kept in its .asyncprof-backup/, and loses the runtime
    /// files weaving added; a dll gets back itself and its pdb.
    /// </summary>
    public static class RestoreCommand
    {
        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("restore", args, Array.Empty<OptionSpec>());
            if (parsed.Positionals.Count == 0) throw new UsageException("restore needs at least one dll or folder (see 'asyncprof restore --help')");

            foreach (var arg in parsed.Positionals)
            {
                IReadOnlyList<string> restored;
                try
                {
                    if (Directory.Exists(arg))
                    {
                        var store = new BackupStore(arg);
                        if (!store.Exists) throw new InputException($"{arg}: nothing to restore (no {BackupStore.FolderName} folder: it was not woven in place, or was restored already)");
                        restored = store.Restore(null);
                    }
                    else if (File.Exists(arg) || new FileInfo(arg).LinkTarget != null)
                    {
                        var real = InputFileCheck.RealFile(arg);
                        var store = new BackupStore(Path.GetDirectoryName(real)!);
                        var name = Path.GetFileName(real);
                        if (!store.Has(name)) throw new InputException($"{arg}: nothing to restore (no original kept in {Path.Combine(Path.GetDirectoryName(arg) ?? ".", BackupStore.FolderName)})");
                        restored = store.Restore(new[] { name, Path.ChangeExtension(name, ".pdb") });
                    }
                    else
                    {
                        throw new InputException($"{arg}: no such file or folder");
                    }
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new InputException($"{arg}: cannot restore: {ConsoleText.Io(e)}", e);
                }
                stdout.WriteLine($"{arg}: restored {restored.Count} file{(restored.Count == 1 ? "" : "s")} ({string.Join(", ", restored.Select(Path.GetFileName))})");
            }
            return ExitCodes.Success;
        }
    }
}
