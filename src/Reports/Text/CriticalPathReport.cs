using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Formatting;

namespace AsyncProf.Reports.Text
{
    /// <summary>
    /// <c>asyncprof report --critical-path</c>: from the root with the most wall time down, at each call the callee its
    /// resumptions waited on last (<see cref="CallFigures.CriticalNs"/>): of the things an async call awaited at once
    /// (<c>Task.WhenAll</c>, a task started earlier and awaited later), the one that finished last decided when it
    /// went on. Each step shows how often that callee was the last one and what else was awaited alongside it.
    /// </summary>
    public static class CriticalPathReport
    {
        public static string Render(Profile profile)
        {
            var w = new StringWriter { NewLine = "\n" };
            Write(profile, w);
            return w.ToString();
        }

        public static void Write(Profile profile, TextWriter output)
        {
            if (output == null) throw new ArgumentNullException(nameof(output));
            var path = CriticalPath.Of(profile);
            if (path.Count == 0) { output.WriteLine("the profile is empty"); return; }
            output.WriteLine("critical path: at each async call, the callee its resumptions waited on last");
            output.WriteLine();
            var table = new TextTable().Column("call", Align.Left).Column("wall", Align.Right).Column("waited on last", Align.Right)
                .Column("critical", Align.Right).Column("also awaited", Align.Left);
            for (var i = 0; i < path.Count; i++)
            {
                var n = path[i];
                var name = new string(' ', 2 * i) + profile.Function(n.Function).Name;
                if (i == 0)
                {
                    table.Row(name, Units.Duration(n.WallNs), "", "", "");
                    continue;
                }
                var parent = path[i - 1];
                var others = profile.CallTree.Children(parent).Where(c => c.Id != n.Id && c.CriticalCount > 0)
                    .OrderByDescending(c => c.CriticalNs)
                    .Select(c => $"{profile.Function(c.Function).Name} ({Units.Count(c.CriticalCount)}x last)");
                table.Row(name, Units.Duration(n.WallNs), $"{Units.Count(n.CriticalCount)} of {Units.Count(parent.Suspends)} resumptions",
                    Units.Duration(n.CriticalNs), string.Join(", ", others));
            }
            table.Write(output);
            if (path.Count == 1)
                output.WriteLine("(no call of this root resumed after a profiled callee completed: nothing to follow)");
            output.WriteLine("critical: the suspended time of the caller's resumptions that this callee was the last to complete for");
        }
    }
}
