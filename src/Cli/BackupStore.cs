using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Shared;

namespace AsyncProf.Cli
{
    /// <summary>
    /// The originals of files that in-place weaving replaces, kept in <c>.asyncprof-backup/</c> in their folder,
    /// byte for byte with their permissions, and the list of files weaving added there (the runtime), so
    /// <c>asyncprof restore</c> can put the folder back as it was.
    /// </summary>
    public sealed class BackupStore
    {
        public const string FolderName = ".asyncprof-backup";
        const string AddedList = "added.txt";

        readonly string folder;

        public BackupStore(string appFolder)
        {
            AppFolder = Path.GetFullPath(appFolder);
            folder = Path.Combine(AppFolder, FolderName);
        }

        public string AppFolder { get; }
        public bool Exists => Directory.Exists(folder);

        /// <summary>Keeps a copy of <paramref name="file"/> (a file of this folder) unless <paramref name="keepOlder"/> and one is kept already.</summary>
        public void Save(string file, bool keepOlder)
        {
            if (!File.Exists(file)) return;
            var copy = Path.Combine(folder, Path.GetFileName(file));
            if (keepOlder && File.Exists(copy)) return;
            Directory.CreateDirectory(folder);
            var pending = new PendingFile(copy);
            try
            {
                File.Copy(file, pending.TempPath);
                InputFileCheck.CopyMode(file, pending.TempPath);
                pending.MoveIntoPlace();
            }
            finally
            {
                pending.DeleteTemp();
            }
        }

        /// <summary>Records that <paramref name="file"/> did not exist before weaving (called before it is created).</summary>
        public void NoteAdded(string file)
        {
            if (File.Exists(file)) return;
            Directory.CreateDirectory(folder);
            var list = Path.Combine(folder, AddedList);
            var name = Path.GetFileName(file);
            if (File.Exists(list) && File.ReadAllLines(list).Contains(name, StringComparer.Ordinal)) return;
            File.AppendAllLines(list, new[] { name });
        }

        public bool Has(string fileName) => File.Exists(Path.Combine(folder, fileName));

        /// <summary>Puts back the kept copies of the named files (all of them when null); returns the files restored.</summary>
        public IReadOnlyList<string> Restore(IReadOnlyCollection<string>? fileNames)
        {
            var restored = new List<string>();
            if (!Exists) return restored;
            var kept = Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != AddedList && !f.EndsWith(".tmp", StringComparison.Ordinal))
                .Where(f => fileNames == null || fileNames.Contains(Path.GetFileName(f)))
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            foreach (var copy in kept)
            {
                var target = Path.Combine(AppFolder, Path.GetFileName(copy));
                var pending = new PendingFile(target);
                try
                {
                    File.Copy(copy, pending.TempPath);
                    InputFileCheck.CopyMode(copy, pending.TempPath);
                    pending.MoveIntoPlace();
                }
                finally { pending.DeleteTemp(); }
                File.Delete(copy);
                restored.Add(target);
            }
            var list = Path.Combine(folder, AddedList);
            if (fileNames == null && File.Exists(list))
            {
                foreach (var name in File.ReadAllLines(list).Where(n => n.Length > 0 && Path.GetFileName(n) == n))
                {
                    var added = Path.Combine(AppFolder, name);
                    if (File.Exists(added)) File.Delete(added);
                }
                File.Delete(list);
            }
            if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
            return restored;
        }
    }
}
