using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// The `asyncprof` command as users get it: src/Cli packed by the real `dotnet pack` as the AsyncProf.Tool package
    /// (a version unique to this run, in a feed of its own), installed by `dotnet tool install` into a temporary tool
    /// path and into a local tool manifest, from a nuget.config that lists only that feed; then the installed command
    /// weaves the seed app, the woven app records its profile, and the command reports on it.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class ToolPackageTests
    {
        string _root = null!, _version = null!, _config = null!;

        static readonly Dictionary<string, string?> Environment = new()
        {
            ["DOTNET_CLI_UI_LANGUAGE"] = "en", ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1", ["NUGET_PACKAGES"] = null, ["UseSharedCompilation"] = "false",
        };

        static ProcessResult Run(string tool, string dir, params string[] args)
        {
            var result = ProcessRunner.Run(tool, args, dir, Environment, TimeSpan.FromMinutes(5));
            TestContext.Progress.WriteLine($"{Path.GetFileName(tool)} {string.Join(" ", args)}: exit {result.ExitCode}");
            return result;
        }

        [OneTimeSetUp]
        public void PackTheTool()
        {
            _version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            _root = Path.Combine(RepoPaths.Scratch, "tool", Guid.NewGuid().ToString("N").Substring(0, 8));
            var feed = Path.Combine(_root, "feed");
            Directory.CreateDirectory(feed);
            var pack = Run("dotnet", _root, "pack", Path.Combine(RepoPaths.Src("Cli"), "Cli.csproj"), "-c", "Release", "-o", feed, "--nologo",
                "-p:Version=" + _version, "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(_root, "pack"));
            Assert.That(pack.ExitCode, Is.EqualTo(0), pack.ToString());
            Assert.That(File.Exists(Path.Combine(feed, $"AsyncProf.Tool.{_version}.nupkg")), pack.ToString());
            // what a user writes to install from a local folder: that folder as the only source, a packages folder of its own
            _config = Path.Combine(_root, "nuget.config");
            File.WriteAllText(_config,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n" +
                $"    <add key=\"local\" value=\"{feed}\" />\n  </packageSources>\n  <config>\n" +
                $"    <add key=\"globalPackagesFolder\" value=\"{Path.Combine(_root, "packages")}\" />\n  </config>\n</configuration>\n");
        }

        [Test]
        public void Installed_into_a_tool_path_it_weaves_an_app_and_reports_on_its_profile()
        {
            var tools = Path.Combine(_root, "tools");
            var install = Run("dotnet", _root, "tool", "install", "AsyncProf.Tool", "--tool-path", tools, "--version", _version, "--configfile", _config);
            Assert.That(install.ExitCode, Is.EqualTo(0), install.ToString());
            var asyncprof = Path.Combine(tools, "asyncprof");
            Assert.That(File.Exists(asyncprof), "the install put an `asyncprof` command in the tool path\n" + install);

            var version = Run(asyncprof, _root, "--version");
            Assert.That(version.ExitCode, Is.EqualTo(0), version.ToString());
            Assert.That(version.StdOut.Trim(), Is.EqualTo("asyncprof " + _version));

            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "tool-seed");
            var weave = Run(asyncprof, app, "weave", "SeedApp.dll");
            Assert.That(weave.ExitCode, Is.EqualTo(0), weave.ToString());
            var profile = Path.Combine(app, "profile.json");
            var env = new Dictionary<string, string?>(Environment) { ["ASYNCPROF_OUTPUT"] = profile };
            var run = ProcessRunner.Run("dotnet", new[] { "SeedApp.dll", "1" }, app, env, TimeSpan.FromMinutes(3));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(File.Exists(profile), "the woven app wrote its profile\n" + run);

            var report = Run(asyncprof, app, "report", "profile.json");
            Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
            var native = ProfileFile.Load(profile);
            Assert.That(native.Function("SeedApp.Handlers.Home").Calls, Is.EqualTo(1));
            Assert.That(report.StdOut, Does.Contain("SeedApp.Handlers.Home").And.Contain("SeedApp.Handlers.ParseContents"), report.ToString());
            var speedscope = Run(asyncprof, app, "report", "profile.json", "-o", "profile.speedscope.json");
            Assert.That(speedscope.ExitCode, Is.EqualTo(0), speedscope.ToString());
            Assert.That(File.ReadAllText(Path.Combine(app, "profile.speedscope.json")), Does.Contain("SeedApp.Handlers.Home"));
        }

        [Test]
        public void Installed_as_a_local_tool_it_runs_through_the_manifest()
        {
            var project = Path.Combine(_root, "project");
            Directory.CreateDirectory(project);
            File.Copy(_config, Path.Combine(project, "nuget.config"));
            var manifest = Run("dotnet", project, "new", "tool-manifest");
            Assert.That(manifest.ExitCode, Is.EqualTo(0), manifest.ToString());
            var install = Run("dotnet", project, "tool", "install", "AsyncProf.Tool", "--version", _version);
            Assert.That(install.ExitCode, Is.EqualTo(0), install.ToString());
            // the SDK writes the manifest at the folder's root (.NET 10) or in .config/ (earlier SDKs)
            var manifestFile = new[] { Path.Combine(project, "dotnet-tools.json"), Path.Combine(project, ".config", "dotnet-tools.json") }.First(File.Exists);
            Assert.That(File.ReadAllText(manifestFile), Does.Contain("\"asyncprof\"").And.Contain(_version));
            var version = Run("dotnet", project, "tool", "run", "asyncprof", "--version");
            Assert.That(version.ExitCode, Is.EqualTo(0), version.ToString());
            Assert.That(version.StdOut.Trim(), Is.EqualTo("asyncprof " + _version));
        }
    }
}
