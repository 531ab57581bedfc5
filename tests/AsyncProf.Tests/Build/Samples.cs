using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>The sample projects the build tests generate, and what they check on every woven or ordinary output.</summary>
    public static class Samples
    {
        public const string ConsoleProject = "ConsoleSample/ConsoleSample.csproj";
        /// <summary>The ASP.NET Core sample is built as a user builds a solution: the app and its (multi-targeted) library.</summary>
        public const string WebSolution = "Shop.slnx";

        public static string Version => BuildTestEnvironment.Instance.Version;

        /// <summary>The one line a user adds for the MSBuild way.</summary>
        public static string MSBuildReference => $"    <PackageReference Include=\"AsyncProf.MSBuild\" Version=\"{Version}\" />";

        /// <summary>The line a user adds for the Fody way (plus &lt;AsyncProf/&gt; in FodyWeavers.xml).</summary>
        public static string FodyReference => $"    <PackageReference Include=\"AsyncProf.Fody\" Version=\"{Version}\" />";

        public static SampleProject Console(string label, string packages, string properties = "") =>
            SampleProject.Create(label, ConsoleProject,
                new Dictionary<string, string> { ["PACKAGES"] = packages, ["PROPERTIES"] = properties }, "Console");

        public static SampleProject Web(string label, string packages) =>
            SampleProject.Create(label, WebSolution, new Dictionary<string, string> { ["PACKAGES"] = packages }, "AspNet");

        /// <summary>The console sample's run: three async calls that each suspend once, each calling Square.</summary>
        /// <param name="squareWoven">Worker.Square (<c>n * n</c>) is trivial: woven only with AsyncProfAll (or Fody's
        /// All) and no filter excluding it.</param>
        public static void AssertConsoleProfile(ProfileFile profile, bool squareWoven)
        {
            var compute = profile.Function("ConsoleSample.Worker.ComputeAsync");
            Assert.That(compute.Calls, Is.EqualTo(3), "ComputeAsync: a call is a call, resumptions are not");
            Assert.That(compute.Suspends, Is.EqualTo(3), "ComputeAsync suspends once per call (Task.Delay)");
            Assert.That(compute.InFlight, Is.EqualTo(0));
            Assert.That(compute.WallNs, Is.GreaterThanOrEqualTo(3 * 9_000_000L), "wall time includes the suspensions (3 x 10 ms)");
            Assert.That(profile.Function("ConsoleSample.Program.Main").Calls, Is.EqualTo(1));
            Assert.That(profile.Edge("ConsoleSample.Program.Main", "ConsoleSample.Worker.ComputeAsync")?.Calls, Is.EqualTo(3));
            if (squareWoven)
                Assert.That(profile.Edge("ConsoleSample.Worker.ComputeAsync", "ConsoleSample.Worker.Square")?.Calls, Is.EqualTo(3));
            else
                Assert.That(profile.FindFunction("ConsoleSample.Worker.Square"), Is.Null, "left out as trivial, or excluded by a filter");
        }

        /// <summary>The stack trace printed by `ConsoleSample throw` names Worker.cs and the line of the throw.</summary>
        /// <param name="recordedCopy">A runtime-async FailAsync is its own frame (no MoveNext): recorded, it runs as
        /// its profiled copy, <c>FailAsync$profiled</c> (README), whose file and line are the original's.</param>
        public static void AssertStackTraceHasSourceLine(SampleProject sample, string output, bool recordedCopy = false)
        {
            var line = sample.LineOf("ConsoleSample/Worker.cs", "THROW-LINE");
            Assert.That(output, Does.Contain("boom from woven code"), output);
            var frame = recordedCopy ? @"FailAsync\$profiled\(\)" : @"FailAsync\(\)";
            Assert.That(output, Does.Match(@"ConsoleSample\.Worker\." + frame + @" in .*Worker\.cs:line " + line + @"\b"),
                "the woven method's frame keeps its file and line\n" + output);
        }

        /// <summary>deps.json lists AsyncProf.dll as a runtime asset of some library, so the host will load it.</summary>
        public static bool DepsJsonListsAsyncProf(string depsJson)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(depsJson));
            return doc.RootElement.GetProperty("targets").EnumerateObject()
                .SelectMany(target => target.Value.EnumerateObject())
                .Any(library => library.Value.TryGetProperty("runtime", out var runtime) &&
                                runtime.EnumerateObject().Any(asset => string.Equals(Path.GetFileName(asset.Name), "AsyncProf.dll", System.StringComparison.OrdinalIgnoreCase)));
        }

        public static bool DepsJsonMentionsAsyncProf(string depsJson) =>
            File.ReadAllText(depsJson).Contains("AsyncProf", System.StringComparison.OrdinalIgnoreCase);
    }
}
