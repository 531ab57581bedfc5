using System;
using System.IO;
using System.Text;
using AsyncProf.Reports.Text;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// The text reports as a file: the per function table (<see cref="TextReport"/>) by default, the call tree when
    /// <see cref="Tree"/> is set, callers or callees of a function when <see cref="Callers"/> or <see cref="Callees"/> is.
    /// </summary>
    public sealed class TextExporter : IProfileExporter
    {
        public string Name => "text";
        public string FileExtension => ".txt";

        public TextReportOptions? Table { get; init; }
        public TreeReportOptions? Tree { get; init; }
        public string? Callers { get; init; }
        public string? Callees { get; init; }
        /// <summary>The blocking call sites (<see cref="BlockingReport"/>).</summary>
        public bool Blocking { get; init; }
        /// <summary>The critical path (<see cref="CriticalPathReport"/>).</summary>
        public bool CriticalPath { get; init; }

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var wrote = false;
            if (Tree != null) { TreeReport.Write(profile, w, Tree); wrote = true; }
            if (Callers != null) { if (wrote) w.WriteLine(); CallersReport.Write(profile, w, Callers, CallDirection.Callers); wrote = true; }
            if (Callees != null) { if (wrote) w.WriteLine(); CallersReport.Write(profile, w, Callees, CallDirection.Callees); wrote = true; }
            if (Blocking) { if (wrote) w.WriteLine(); BlockingReport.Write(profile, w); wrote = true; }
            if (CriticalPath) { if (wrote) w.WriteLine(); CriticalPathReport.Write(profile, w); wrote = true; }
            if (!wrote) TextReport.Write(profile, w, Table);
            w.Flush();
        }
    }
}
