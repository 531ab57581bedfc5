using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// A sample project generated from tests/AsyncProf.Tests/Build/Templates into the run's folder, built, run and
    /// published with the real dotnet CLI, exactly as a user would. Template files named *.template lose that suffix
    /// (so the test project does not compile them); @@NAME@@ placeholders are replaced.
    /// </summary>
    public sealed class SampleProject
    {
        public static string TemplatesRoot => Path.Combine(RepoPaths.Root, "tests", "AsyncProf.Tests", "Build", "Templates");

        readonly BuildTestEnvironment env;
        int builds;

        /// <summary>The sample's folder (a solution root: one or more project folders, maybe a Directory.Build.props).</summary>
        public string Folder { get; }
        /// <summary>The project that is built and run, relative to <see cref="Folder"/>.</summary>
        public string ProjectPath { get; }
        public string ProjectName => Path.GetFileNameWithoutExtension(ProjectPath);
        public string ProjectFile => Path.GetFileName(ProjectPath);
        public string ProjectFolder => Path.GetDirectoryName(Path.Combine(Folder, ProjectPath))!;
        public string Logs => Path.Combine(Folder, "logs");

        SampleProject(BuildTestEnvironment env, string folder, string projectPath)
        {
            this.env = env;
            Folder = folder;
            ProjectPath = projectPath;
            Directory.CreateDirectory(Logs);
        }

        /// <summary>
        /// Copies the templates named (folders under Templates/, merged in order, later ones winning) into a new
        /// sample folder <paramref name="label"/> and replaces the placeholders.
        /// </summary>
        public static SampleProject Create(string label, string projectPath, IReadOnlyDictionary<string, string> values, params string[] templates)
        {
            var env = BuildTestEnvironment.Instance;
            var folder = env.NewSampleFolder(label);
            var all = new Dictionary<string, string>(values) { ["ASYNCPROF_VERSION"] = env.Version };
            foreach (var template in templates)
            {
                var source = Path.Combine(TemplatesRoot, template);
                if (!Directory.Exists(source)) throw new DirectoryNotFoundException("no template " + source);
                foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(source, file);
                    if (relative.EndsWith(".template", StringComparison.Ordinal))
                        relative = relative.Substring(0, relative.Length - ".template".Length);
                    var target = Path.Combine(folder, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.WriteAllText(target, Substitute(File.ReadAllText(file), all, file));
                }
            }
            if (!File.Exists(Path.Combine(folder, projectPath)))
                throw new FileNotFoundException("the templates made no " + projectPath, Path.Combine(folder, projectPath));
            return new SampleProject(env, folder, projectPath);
        }

        static string Substitute(string text, IReadOnlyDictionary<string, string> values, string file)
        {
            foreach (var kv in values) text = text.Replace("@@" + kv.Key + "@@", kv.Value);
            var left = text.IndexOf("@@", StringComparison.Ordinal);
            if (left >= 0)
            {
                var end = text.IndexOf("@@", left + 2, StringComparison.Ordinal);
                throw new InvalidOperationException($"{file}: no value for {text.Substring(left, end > left ? end - left + 2 : 10)}");
            }
            return text;
        }

        public string PathOf(string relative) => Path.Combine(Folder, relative);

        /// <summary>bin/&lt;configuration&gt;/net10.0/ of the project (or of another project of the sample).</summary>
        public string OutputFolder(string configuration, string? project = null) =>
            Path.Combine(project == null ? ProjectFolder : Path.Combine(Folder, project), "bin", configuration, "net10.0");

        public string IntermediateFolder(string configuration, string? project = null) =>
            Path.Combine(project == null ? ProjectFolder : Path.Combine(Folder, project), "obj", configuration, "net10.0");

        /// <summary>`dotnet build` with a binary log; the build must succeed unless <paramref name="expectFailure"/>.</summary>
        public BuildRun Build(string configuration, params string[] properties) => Command("build", configuration, false, properties);

        public BuildRun BuildExpectingFailure(string configuration, params string[] properties) => Command("build", configuration, true, properties);

        /// <summary>`dotnet publish` into publish/&lt;label&gt;, with a binary log.</summary>
        public BuildRun Publish(string configuration, string outputFolder, params string[] properties) =>
            Command("publish", configuration, false, properties.Concat(new[] { "-o", outputFolder }).ToArray());

        BuildRun Command(string verb, string configuration, bool expectFailure, string[] properties)
        {
            builds++;
            var log = Path.Combine(Logs, $"{builds:00}-{verb}-{configuration}{string.Concat(properties.Where(p => p.StartsWith("-p:")).Select(p => "-" + p.Substring(3).Replace('=', '_').Replace('/', '_').Replace(';', '_')))}.binlog");
            var args = new List<string> { verb, ProjectPath, "-c", configuration, "--nologo", "-bl:" + log, "-v:n" };
            args.AddRange(properties);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = env.Dotnet(Folder, args);
            TestContext.Progress.WriteLine($"  {verb} {ProjectName} -c {configuration} {string.Join(" ", properties)}: exit {result.ExitCode} in {watch.Elapsed.TotalSeconds:F1} s");
            var failed = result.ExitCode != 0;
            if (failed != expectFailure)
                Assert.Fail($"dotnet {string.Join(" ", args)} {(failed ? "failed" : "succeeded, expected a failure")}\n{Tail(result.Output, 6000)}");
            return new BuildRun(result, new BuildLog(log));
        }

        /// <summary>`dotnet run` (which builds first) with ASYNCPROF_OUTPUT set; returns the output and the profile.</summary>
        public (ProcessResult Process, ProfileFile? Profile) DotnetRun(string configuration, string[] properties, params string[] appArgs)
        {
            var profile = Path.Combine(Folder, $"profile-run-{Guid.NewGuid():N}.json");
            var args = new List<string> { "run", "--project", ProjectPath, "-c", configuration };
            args.AddRange(properties);
            args.Add("--");
            args.AddRange(appArgs);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = env.Dotnet(Folder, args, new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = profile });
            TestContext.Progress.WriteLine($"  run {ProjectName} -c {configuration} {string.Join(" ", properties)}: exit {result.ExitCode} in {watch.Elapsed.TotalSeconds:F1} s");
            Assert.That(result.ExitCode, Is.EqualTo(0), "dotnet run failed\n" + Tail(result.Output, 6000));
            return (result, File.Exists(profile) ? ProfileFile.Load(profile) : null);
        }

        /// <summary>Runs a built app (`dotnet App.dll`) with ASYNCPROF_OUTPUT set; the profile is null when none was written.</summary>
        public (ProcessResult Process, ProfileFile? Profile) RunBuilt(string appDll, params string[] appArgs) =>
            RunBuilt(appDll, new Dictionary<string, string?>(), appArgs);

        /// <summary>The same, with more environment variables (DOTNET_RuntimeAsync=1 for a runtime-async build).</summary>
        public (ProcessResult Process, ProfileFile? Profile) RunBuilt(string appDll, IReadOnlyDictionary<string, string?> environment, params string[] appArgs)
        {
            var profile = Path.Combine(Folder, $"profile-{Path.GetFileNameWithoutExtension(appDll)}-{Guid.NewGuid():N}.json");
            var args = new List<string> { appDll };
            args.AddRange(appArgs);
            var variables = new Dictionary<string, string?>(environment) { ["ASYNCPROF_OUTPUT"] = profile };
            var result = env.Dotnet(Path.GetDirectoryName(appDll)!, args, variables, TimeSpan.FromMinutes(2));
            Assert.That(result.ExitCode, Is.EqualTo(0), $"dotnet {appDll} failed\n{result}");
            return (result, File.Exists(profile) ? ProfileFile.Load(profile) : null);
        }

        /// <summary>The 1-based line of the source line holding <paramref name="marker"/> (a comment in the template).</summary>
        public int LineOf(string relativeFile, string marker)
        {
            var lines = File.ReadAllLines(PathOf(relativeFile));
            var index = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
            if (index < 0) throw new InvalidOperationException($"no {marker} in {relativeFile}");
            return index + 1;
        }

        internal static string Tail(string text, int max) => text.Length <= max ? text : "...\n" + text.Substring(text.Length - max);
    }

    public sealed record BuildRun(ProcessResult Process, BuildLog Log);
}
