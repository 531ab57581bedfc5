using System;
using System.Collections.Generic;
using System.IO;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// Where the real viewers are once .ci/setup.d/viewers.sh has installed them, and how the tests run them.
    /// A viewer that is not there fails the test (never skips it), naming the setup script that installs it.
    /// </summary>
    static class ViewerTools
    {
        public const string GoTool = "/usr/bin/go";
        public const string CallgrindAnnotate = "/usr/bin/callgrind_annotate";
        /// <summary>Brendan Gregg's flamegraph.pl as Debian ships it (libdevel-nytprof-perl); Debian has no package of its own for it.</summary>
        public const string FlameGraphPl = "/usr/share/perl5/Devel/NYTProf/flamegraph.pl";

        /// <summary>artifacts/viewers/node_modules/speedscope/dist/release: the speedscope app as its npm package ships it.</summary>
        public static string SpeedscopeApp => Path.Combine(RepoPaths.Root, "artifacts", "viewers", "node_modules", "speedscope", "dist", "release");

        /// <summary>Exported files and screenshots of the viewer tests, kept for inspection and attached to the results.</summary>
        public static readonly string ArtifactDir = Path.Combine(RepoPaths.Scratch, "viewers");

        public static void Require(string path, string what, string package)
        {
            if (File.Exists(path)) return;
            Assert.Fail($"{what} is not installed: {path} does not exist. Install the test viewers with `bash .ci/setup.sh` " +
                $"(as root; .ci/setup.d/viewers.sh installs {package}).");
        }

        /// <summary>Runs a viewer to completion; fails the test with its output when it exits non-zero.</summary>
        public static string Run(string tool, IEnumerable<string> args, string what)
        {
            var result = ProcessRunner.Run(tool, args, ArtifactDir,
                new Dictionary<string, string?> { ["GOFLAGS"] = null, ["GOTOOLCHAIN"] = "local", ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root" },
                TimeSpan.FromMinutes(3));
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{what} failed:\n{result}");
            return result.StdOut;
        }

        /// <summary>Writes an export under <see cref="ArtifactDir"/> and returns its path.</summary>
        public static string Save(string name, byte[] content)
        {
            Directory.CreateDirectory(ArtifactDir);
            var path = Path.Combine(ArtifactDir, name);
            File.WriteAllBytes(path, content);
            return path;
        }
    }
}
