using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// What every build-integration test shares, set up once per test run:
    /// - the packages (AsyncProf, AsyncProf.MSBuild, AsyncProf.Fody, AsyncProf.Reports, AsyncProf.AspNetCore) packed by the real `dotnet pack` into
    ///   artifacts/packages (the folder the repository's nuget.config lists), with a version unique to this run, so a
    ///   package cached by an earlier run is never used;
    /// - a root folder artifacts/tests/build/&lt;run&gt;/ for the generated sample projects, shielded from the
    ///   repository's Directory.Build.props and Directory.Packages.props by blank ones, with a nuget.config listing
    ///   artifacts/packages and nuget.org;
    /// - one NuGet packages folder for the run, which all sample restores share (our packages are extracted once;
    ///   third-party packages such as Fody come from the machine's NuGet cache as a fallback folder).
    /// </summary>
    public sealed class BuildTestEnvironment
    {
        static readonly Lazy<BuildTestEnvironment> Shared = new(() => new BuildTestEnvironment());

        /// <summary>The environment, packing on first use. A failure to pack fails every test that needs it.</summary>
        public static BuildTestEnvironment Instance => Shared.Value;

        public string RunId { get; }
        /// <summary>The version of our packages in this run, e.g. 0.1.0-test.20261121054512.</summary>
        public string Version { get; }
        /// <summary>artifacts/packages: where `dotnet pack` puts our packages.</summary>
        public string Feed { get; }
        /// <summary>A feed of test-only packages (the second Fody addin), listed in the generated nuget.config.</summary>
        public string TestFeed { get; }
        /// <summary>artifacts/tests/build/&lt;run&gt;: the sample projects of this run.</summary>
        public string Root { get; }
        /// <summary>The NuGet global packages folder of this run's sample restores.</summary>
        public string Packages { get; }
        public TimeSpan PackTime { get; }

        BuildTestEnvironment()
        {
            RunId = DateTime.UtcNow.ToString("yyyyMMddHHmmss") + Process.GetCurrentProcess().Id % 1000;
            Version = "0.1.0-test." + RunId;
            Feed = Path.Combine(RepoPaths.Root, "artifacts", "packages");
            Root = Path.Combine(RepoPaths.Scratch, "build", RunId);
            TestFeed = Path.Combine(Root, "feed");
            Packages = Path.Combine(Root, "packages");
            Directory.CreateDirectory(Feed);
            Directory.CreateDirectory(TestFeed);
            Directory.CreateDirectory(Packages);
            RemoveEarlierTestPackages();
            WriteRootFiles();

            var watch = Stopwatch.StartNew();
            Pack();
            PackTime = watch.Elapsed;
            TestContext.Progress.WriteLine($"build tests: packed {Version} into {Feed} in {PackTime.TotalSeconds:F1} s");
        }

        /// <summary>
        /// Packages (0.1.0-test.*) and sample folders of earlier test runs would only pile up. Only those older than an
        /// hour go: another test run may be using its own right now. Released packages stay.
        /// </summary>
        void RemoveEarlierTestPackages()
        {
            var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
            foreach (var file in Directory.GetFiles(Feed, "AsyncProf*.nupkg"))
            {
                if (!Path.GetFileName(file).Contains("-test.") || File.GetLastWriteTimeUtc(file) > cutoff) continue;
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            foreach (var dir in Directory.GetDirectories(Path.GetDirectoryName(Root)!))
            {
                if (dir == Root || Directory.GetLastWriteTimeUtc(dir) > cutoff) continue;
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        void WriteRootFiles()
        {
            // Blank: the samples must build as a user's projects would, not with the repository's settings.
            File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
            var fallback = MachinePackagesFolder();
            var config = new StringBuilder()
                .AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
                .AppendLine("<configuration>")
                .AppendLine("  <packageSources>")
                .AppendLine("    <clear />")
                .AppendLine($"    <add key=\"asyncprof\" value=\"{Feed}\" />")
                .AppendLine($"    <add key=\"test\" value=\"{TestFeed}\" />")
                .AppendLine("    <add key=\"nuget.org\" value=\"https://api.nuget.org/v3/index.json\" />")
                .AppendLine("  </packageSources>")
                .AppendLine("  <config>")
                .AppendLine($"    <add key=\"globalPackagesFolder\" value=\"{Packages}\" />")
                .AppendLine("  </config>");
            if (Directory.Exists(fallback))
                config.AppendLine("  <fallbackPackageFolders>")
                    .AppendLine($"    <add key=\"machine\" value=\"{fallback}\" />")
                    .AppendLine("  </fallbackPackageFolders>");
            config.AppendLine("</configuration>");
            File.WriteAllText(Path.Combine(Root, "nuget.config"), config.ToString());
        }

        static string MachinePackagesFolder() =>
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
                ? p
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        /// <summary>
        /// One `dotnet pack` of the packable projects, through a solution file listing only them, built into
        /// its own artifacts folder (not src/*/bin, obj) so it never disturbs a developer's or the test run's builds.
        /// </summary>
        void Pack()
        {
            var packRoot = Path.Combine(Root, "pack");
            Directory.CreateDirectory(packRoot);
            var solution = Path.Combine(packRoot, "packages.slnx");
            File.WriteAllText(solution,
                "<Solution>\n" +
                $"  <Project Path=\"{RepoPaths.Src("Runtime")}/Runtime.csproj\" />\n" +
                $"  <Project Path=\"{RepoPaths.Src("MSBuildTask")}/MSBuildTask.csproj\" />\n" +
                $"  <Project Path=\"{RepoPaths.Src("Fody")}/Fody.csproj\" />\n" +
                $"  <Project Path=\"{RepoPaths.Src("Reports")}/Reports.csproj\" />\n" +
                $"  <Project Path=\"{RepoPaths.Src("AspNetCore")}/AspNetCore.csproj\" />\n" +
                "</Solution>\n");
            var result = Dotnet(packRoot, new[]
            {
                "pack", solution, "-c", "Release", "-o", Feed, "--nologo",
                "-p:Version=" + Version,
                "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(packRoot, "artifacts"),
                "-bl:" + Path.Combine(packRoot, "pack.binlog"),
            });
            if (result.ExitCode != 0)
                throw new InvalidOperationException("dotnet pack of the AsyncProf packages failed\n" + result);
            foreach (var id in PackageIds)
                if (!File.Exists(PackagePath(id)))
                    throw new InvalidOperationException($"dotnet pack did not produce {PackagePath(id)}\n{result}");
        }

        public static readonly string[] PackageIds = { "AsyncProf", "AsyncProf.MSBuild", "AsyncProf.Fody", "AsyncProf.Reports", "AsyncProf.AspNetCore" };

        public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

        /// <summary>A fresh folder under the run's root for one sample (a solution of projects).</summary>
        public string NewSampleFolder(string label)
        {
            var dir = Path.Combine(Root, label);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
            return dir;
        }

        /// <summary>Runs the dotnet CLI in <paramref name="workingDirectory"/> as a user would, with the run's packages folder.</summary>
        public ProcessResult Dotnet(string workingDirectory, System.Collections.Generic.IEnumerable<string> args,
            System.Collections.Generic.IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
        {
            var env = new System.Collections.Generic.Dictionary<string, string?>
            {
                // The generated nuget.config names the run's packages folder; an inherited NUGET_PACKAGES would win over it.
                ["NUGET_PACKAGES"] = null,
                ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
                ["DOTNET_CLI_UI_LANGUAGE"] = "en",
                // The test host may run with settings of its own; the samples must not inherit them.
                ["Profile"] = null,
                ["AsyncProfEnabled"] = null,
                // No compiler server left running after the tests (as the repository's other test builds do).
                ["UseSharedCompilation"] = "false",
            };
            if (environment != null)
                foreach (var kv in environment) env[kv.Key] = kv.Value;
            return ProcessRunner.Run("dotnet", args.ToList(), workingDirectory, env, timeout ?? TimeSpan.FromMinutes(5));
        }
    }
}
