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
        static readonly AppendOnlyTable<FunctionInfo> functions = new AppendOnlyTable<FunctionInfo>(256);

        public static int Count => functions.Count;

        public static FunctionInfo Get(int id) => functions.Get(id) ?? Unknown(id);

        public static int Register(string table, string module) => functions.Append(table, line => Parse(line, module));

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
