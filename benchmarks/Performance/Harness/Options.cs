using System;
using System.Collections.Generic;
using System.Linq;

namespace PerfHarness
{
    /// <summary>Command line: <c>--work DIR --tool-dir DIR [--rounds N] [--reps N] [--quick] [--only a,b] [--no-trace] [--no-memory]</c>.</summary>
    public sealed class Options
    {
        public string Work = "";
        public string ToolDir = "";
        public int Rounds = 5; // issue 9's table: medians of 5 rounds
        public int Reps = 3;
        public bool Quick;
        public bool Trace = true;
        public bool Memory = true;
        public HashSet<string>? Only;

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--work": o.Work = Next(); break;
                    case "--tool-dir": o.ToolDir = Next(); break;
                    case "--rounds": o.Rounds = int.Parse(Next()); break;
                    case "--reps": o.Reps = int.Parse(Next()); break;
                    case "--quick": o.Quick = true; break;
                    case "--no-trace": o.Trace = false; break;
                    case "--no-memory": o.Memory = false; break;
                    case "--only": o.Only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(); break;
                    default: throw new ArgumentException("unknown option " + args[i]);
                }
            }
            if (o.Work == "") throw new ArgumentException("--work DIR is required");
            if (o.Quick && !args.Contains("--rounds")) o.Rounds = 1;
            if (o.Quick && !args.Contains("--reps")) o.Reps = 1;
            return o;
        }
    }
}
