using System;

namespace AsyncProf
{
    internal sealed class FunctionInfo
    {
        public string Name = "", Kind = "sync", File = "", Module = "";
        public int Line;
    }

    /// <summary>
    /// Every woven method of every loaded woven module, by global id. A module registers its table once (from its
    /// generated type initializer) and gets the id of its first method; woven code passes base + index.
    /// Table format (written by the weaver): one line per method, "kind\tname\tfile\tline".
    /// </summary>
    internal static class FunctionTable
    {
        static readonly object Gate = new object();
        // written under Gate, read without it: the array is published before the count that covers it
        static volatile FunctionInfo[] functions = new FunctionInfo[256];
        static volatile int count;

        public static int Count => count;

        public static FunctionInfo Get(int id)
        {
            var n = count;
            var all = functions;
            return (uint)id < (uint)n && id < all.Length && all[id] != null ? all[id] : Unknown(id);
        }

        public static int Register(string table, string module)
        {
            var lines = table.Length == 0 ? new string[0] : table.Split('\n');
            lock (Gate)
            {
                var baseId = count;
                if (baseId + lines.Length > functions.Length)
                {
                    var grown = new FunctionInfo[Math.Max(functions.Length * 2, baseId + lines.Length)];
                    Array.Copy(functions, grown, baseId);
                    functions = grown;
                }
                for (var i = 0; i < lines.Length; i++) functions[baseId + i] = Parse(lines[i], module);
                count = baseId + lines.Length;
                return baseId;
            }
        }

        static FunctionInfo Parse(string line, string module)
        {
            var parts = line.Split('\t');
            var info = new FunctionInfo { Module = module };
            if (parts.Length > 0) info.Kind = parts[0];
            if (parts.Length > 1) info.Name = parts[1];
            if (parts.Length > 2) info.File = parts[2];
            if (parts.Length > 3) int.TryParse(parts[3], out info.Line);
            return info;
        }

        static FunctionInfo Unknown(int id) => new FunctionInfo { Name = "<unknown function " + id + ">" };
    }
}
