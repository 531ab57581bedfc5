using System;

namespace AsyncProf
{
    /// <summary>
    /// Entries registered by woven modules (their functions, their blocking sites), by global id: a module appends its
    /// entries once, under a lock, and gets the id of its first; readers never lock (the array is published before the
    /// count that covers it).
    /// </summary>
    internal sealed class AppendOnlyTable<T> where T : class
    {
        readonly object gate = new object();
        volatile T[] items;
        volatile int count;

        public AppendOnlyTable(int capacity) => items = new T[capacity];

        public int Count => count;

        /// <summary>Appends one entry per line (the weaver's table text, lines split by '\n') and returns the first's id.</summary>
        public int Append(string table, Func<string, T> parse)
        {
            var lines = table.Length == 0 ? new string[0] : table.Split('\n');
            lock (gate)
            {
                var baseId = count;
                if (baseId + lines.Length > items.Length)
                {
                    var grown = new T[Math.Max(items.Length * 2, baseId + lines.Length)];
                    Array.Copy(items, grown, baseId);
                    items = grown;
                }
                for (var i = 0; i < lines.Length; i++) items[baseId + i] = parse(lines[i]);
                count = baseId + lines.Length;
                return baseId;
            }
        }

        /// <summary>The entry with this id, or null when there is none.</summary>
        public T? Get(int id)
        {
            var n = count;
            var all = items;
            return (uint)id < (uint)n && id < all.Length ? all[id] : null;
        }
    }
}
