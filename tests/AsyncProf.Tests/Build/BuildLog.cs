using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Logging.StructuredLogger;
using SLTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// A binary log (-bl) read with MSBuild.StructuredLogger: which of our targets ran, were skipped as up to date,
    /// or never started (false condition), in which project, and what our tasks and weavers reported.
    /// </summary>
    public sealed class BuildLog
    {
        public string Path { get; }
        public Microsoft.Build.Logging.StructuredLogger.Build Build { get; }

        /// <summary>Names of targets that started, per project file name (from the raw event stream).</summary>
        readonly List<(string Project, string Target)> started = new();

        public BuildLog(string path)
        {
            Path = path;
            if (!File.Exists(path)) throw new FileNotFoundException("no binary log", path);
            Build = BinaryLog.ReadBuild(path);
            foreach (var record in BinaryLog.ReadRecords(path))
                if (record.Args is TargetStartedEventArgs t)
                    started.Add((System.IO.Path.GetFileName(t.ProjectFile ?? ""), t.TargetName));
        }

        public bool Succeeded => Build.Succeeded;

        /// <summary>Target nodes with this name (optionally in the project whose file name is given).</summary>
        public IReadOnlyList<Target> Targets(string name, string? project = null)
        {
            var found = new List<Target>();
            Build.VisitAllChildren<Target>(t =>
            {
                if (t.Name == name && (project == null || ProjectFileName(t) == project))
                    found.Add(t);
            });
            return found;
        }

        static string ProjectFileName(Target t) => System.IO.Path.GetFileName(t.Project?.ProjectFile ?? "");

        /// <summary>The target ran (was not skipped as up to date).</summary>
        public bool Ran(string target, string? project = null) => Targets(target, project).Any(t => !t.Skipped);

        /// <summary>The target was considered and skipped because its outputs were up to date.</summary>
        public bool SkippedUpToDate(string target, string? project = null) =>
            Targets(target, project).Any(t => t.Skipped) && !Ran(target, project);

        /// <summary>The target never started (a false condition): MSBuild does not even log a target node for it.</summary>
        public bool NeverStarted(string target, string? project = null) =>
            !started.Any(s => s.Target == target && (project == null || s.Project == project));

        /// <summary>Tasks by name (e.g. WeaveAssembly), optionally in one project.</summary>
        public IReadOnlyList<SLTask> Tasks(string name, string? project = null)
        {
            var found = new List<SLTask>();
            Build.VisitAllChildren<SLTask>(t =>
            {
                if (t.Name == name && (project == null || System.IO.Path.GetFileName(t.GetNearestParent<Project>()?.ProjectFile ?? "") == project))
                    found.Add(t);
            });
            return found;
        }

        /// <summary>Texts of all messages containing <paramref name="fragment"/>.</summary>
        public IReadOnlyList<string> Messages(string fragment)
        {
            var found = new List<string>();
            Build.VisitAllChildren<Message>(m =>
            {
                if (m.Text != null && m.Text.Contains(fragment, StringComparison.Ordinal)) found.Add(m.Text);
            });
            return found;
        }

        public IReadOnlyList<Warning> Warnings(string? code = null)
        {
            var found = new List<Warning>();
            Build.VisitAllChildren<Warning>(w => { if (code == null || w.Code == code) found.Add(w); });
            return Distinct(found);
        }

        public IReadOnlyList<Error> Errors(string? code = null)
        {
            var found = new List<Error>();
            Build.VisitAllChildren<Error>(e => { if (code == null || e.Code == code) found.Add(e); });
            return Distinct(found);
        }

        /// <summary>The tree shows a diagnostic under its task and again in the summary folder: count each once.</summary>
        static IReadOnlyList<T> Distinct<T>(List<T> items) where T : AbstractDiagnostic =>
            items.GroupBy(d => (d.Code, d.File, d.LineNumber, d.Text)).Select(g => g.First()).ToList();

        public override string ToString() => Path;
    }
}
