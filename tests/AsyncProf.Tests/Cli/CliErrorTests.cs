using System;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>
    /// The tool run as a process on bad input and bad command lines: exit 1 for bad input, 2 for usage, one line
    /// "asyncprof: ..." on stderr naming the file, never a stack trace, and the file left byte for byte as it was.
    /// </summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class CliErrorTests
    {
        string _dir = null!;

        [SetUp]
        public void FreshFolder()
        {
            _dir = Path.Combine(RepoPaths.Scratch, "work", "cli-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(_dir);
        }

        /// <summary>The .NET install the tests run on (…/shared/Microsoft.NETCore.App/&lt;version&gt;/System.Private.CoreLib.dll → …).</summary>
        static string DotnetRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

        static string SharedFrameworkFile(string name) => Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, name);

        static string ReferenceAssemblyFile(string name)
        {
            var packs = Path.Combine(DotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
            var candidates = Directory.Exists(packs)
                ? Directory.GetDirectories(packs).SelectMany(v => Directory.GetFiles(v, name, SearchOption.AllDirectories))
                    .Where(f => f.Contains(Path.DirectorySeparatorChar + "ref" + Path.DirectorySeparatorChar)).OrderByDescending(f => f).ToList()
                : new System.Collections.Generic.List<string>();
            if (candidates.Count == 0) Assert.Ignore("no reference pack under " + packs);
            return candidates[0];
        }

        string Copy(string source, string name)
        {
            var target = Path.Combine(_dir, name);
            File.Copy(source, target);
            return target;
        }

        static void AssertOneErrorLine(ProcessResult r, int exitCode, params string[] mentions)
        {
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.ToString());
            var lines = CliRunner.Lines(r.StdErr);
            Assert.That(lines, Has.Count.EqualTo(1), "exactly one line on stderr:\n" + r.StdErr);
            Assert.That(lines[0], Does.StartWith("asyncprof: "));
            foreach (var m in mentions) Assert.That(lines[0], Does.Contain(m));
            Assert.That(r.Output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(r.Output, Does.Not.Contain("Exception:"), "no exception dump");
        }

        void AssertRefusedUnchanged(string file, params string[] mentions)
        {
            var before = File.ReadAllBytes(file);
            var result = CliRunner.Run("weave", file);
            AssertOneErrorLine(result, 1, new[] { Path.GetFileName(file) }.Concat(mentions).ToArray());
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(before), "the file must be left as it was");
            Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { Path.GetFileName(file) }),
                "nothing written beside it (no temp files, no runtime)");
        }

        [Test]
        public void Missing_file()
        {
            var missing = Path.Combine(_dir, "Nowhere.dll");
            AssertOneErrorLine(CliRunner.Run("weave", missing), 1, "Nowhere.dll", "no such file");
            Assert.That(File.Exists(missing), Is.False);
        }

        [Test]
        public void Text_file_named_like_a_dll()
        {
            var file = Path.Combine(_dir, "x.dll");
            File.WriteAllText(file, "this is not an assembly\n");
            AssertRefusedUnchanged(file, "not a .NET assembly");
        }

        [Test]
        public void Empty_file_named_like_a_dll()
        {
            var file = Path.Combine(_dir, "empty.dll");
            File.WriteAllBytes(file, Array.Empty<byte>());
            AssertRefusedUnchanged(file, "not a .NET assembly");
        }

        [Test]
        public void Reference_assembly()
        {
            AssertRefusedUnchanged(Copy(ReferenceAssemblyFile("System.Runtime.dll"), "System.Runtime.dll"), "reference assembly");
        }

        [Test]
        public void ReadyToRun_image()
        {
            AssertRefusedUnchanged(Copy(SharedFrameworkFile("System.Linq.dll"), "System.Linq.dll"), "ReadyToRun");
        }

        [Test]
        public void Native_library()
        {
            var native = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "libSystem.Native.*").FirstOrDefault();
            if (native == null) Assert.Ignore("no native library found beside the runtime");
            AssertRefusedUnchanged(Copy(native, "Native.dll"), "not a .NET assembly");
        }

        [Test]
        public void Already_woven_assembly()
        {
            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "cli-woven");
            var dll = Path.Combine(app, "SeedApp.dll");
            var first = CliRunner.Run("weave", dll);
            Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());

            var before = Directory.GetFiles(app).ToDictionary(f => f, File.ReadAllBytes);
            var second = CliRunner.Run("weave", dll);
            AssertOneErrorLine(second, 1, "SeedApp.dll");
            Assert.That(second.StdErr, Does.Contain("woven").IgnoreCase);
            foreach (var (file, bytes) in before)
                Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), file + " must be left as it was");
            Assert.That(Directory.GetFiles(app), Is.EquivalentTo(before.Keys), "no file added");
        }

        [Test]
        public void Bad_input_among_good_inputs_writes_nothing()
        {
            // Every named input is checked before any is written.
            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "cli-mixed");
            var dll = Path.Combine(app, "SeedApp.dll");
            var bad = Path.Combine(_dir, "x.dll");
            File.WriteAllText(bad, "text");
            var before = Directory.GetFiles(app).ToDictionary(f => f, File.ReadAllBytes);
            AssertOneErrorLine(CliRunner.Run("weave", dll, bad), 1, "x.dll");
            foreach (var (file, bytes) in before) Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), file);
        }

        [Test]
        public void Output_folder_leaves_the_original_byte_identical()
        {
            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "cli-output");
            var dll = Path.Combine(app, "SeedApp.dll");
            var before = Directory.GetFiles(app).ToDictionary(f => f, File.ReadAllBytes);
            var output = Path.Combine(_dir, "woven");

            var r = CliRunner.Run("weave", dll, "--output", output);
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.StdErr, Is.Empty);
            foreach (var (file, bytes) in before) Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), file + " must be left as it was");
            Assert.That(Directory.GetFiles(app), Is.EquivalentTo(before.Keys), "nothing added beside the original");

            var woven = Path.Combine(output, "SeedApp.dll");
            Assert.That(File.Exists(woven), Is.True);
            Assert.That(File.ReadAllBytes(woven), Is.Not.EqualTo(before[dll]), "the copy is woven");
            Assert.That(File.Exists(Path.Combine(output, "SeedApp.pdb")), Is.True, "the woven copy's pdb");
            Assert.That(File.Exists(Path.Combine(output, "AsyncProf.dll")), Is.True, "the runtime beside the copy");
            Assert.That(CliRunner.Lines(r.StdOut).Single(l => l.Contains("wove ")), Does.Contain("SeedApp.dll"));
        }

        [Test]
        public void Folder_skips_what_cannot_be_woven_with_one_line_each()
        {
            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "cli-folder");
            File.WriteAllText(Path.Combine(app, "x.dll"), "text");
            File.Copy(ReferenceAssemblyFile("System.Runtime.dll"), Path.Combine(app, "System.Runtime.dll"));
            File.Copy(SharedFrameworkFile("System.Linq.dll"), Path.Combine(app, "System.Linq.dll"));
            File.Copy(RepoPaths.RuntimeAssembly, Path.Combine(app, "AsyncProf.dll"));
            var before = Directory.GetFiles(app).ToDictionary(f => f, File.ReadAllBytes);
            var output = Path.Combine(_dir, "out");

            var r = CliRunner.Run("weave", app, "--output", output);
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var lines = CliRunner.Lines(r.StdOut);
            Assert.That(lines.Count(l => l.StartsWith("skipped ") && l.Contains("x.dll") && l.Contains("not a .NET assembly")), Is.EqualTo(1), r.StdOut);
            Assert.That(lines.Count(l => l.StartsWith("skipped ") && l.Contains("System.Runtime.dll") && l.Contains("reference assembly")), Is.EqualTo(1), r.StdOut);
            Assert.That(lines.Count(l => l.StartsWith("skipped ") && l.Contains("System.Linq.dll") && l.Contains("ReadyToRun")), Is.EqualTo(1), r.StdOut);
            Assert.That(lines.Count(l => l.Contains("SeedApp.dll") && l.Contains("wove ")), Is.EqualTo(1), r.StdOut);
            Assert.That(r.StdOut, Does.Not.Contain("AsyncProf.dll"), "the runtime itself is never a candidate");
            foreach (var (file, bytes) in before) Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), file);
            Assert.That(File.Exists(Path.Combine(output, "SeedApp.dll")), Is.True);
            Assert.That(File.Exists(Path.Combine(output, "x.dll")), Is.False);
        }

        [Test]
        public void Folder_woven_twice_skips_what_is_already_woven()
        {
            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "cli-twice");
            var first = CliRunner.Run("weave", app);
            Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
            var woven = File.ReadAllBytes(Path.Combine(app, "SeedApp.dll"));
            var second = CliRunner.Run("weave", app);
            TestContext.Out.WriteLine(second);
            Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
            Assert.That(CliRunner.Lines(second.StdOut).Count(l => l.StartsWith("skipped ") && l.Contains("SeedApp.dll")), Is.EqualTo(1), second.StdOut);
            Assert.That(File.ReadAllBytes(Path.Combine(app, "SeedApp.dll")), Is.EqualTo(woven));
        }

        [Test]
        public void Report_of_a_missing_profile()
        {
            AssertOneErrorLine(CliRunner.Run("report", Path.Combine(_dir, "none.json")), 1, "none.json", "no such file");
        }

        [Test]
        public void Report_of_a_file_that_is_not_a_profile()
        {
            var file = Path.Combine(_dir, "bad.json");
            File.WriteAllText(file, "{\"schema\":\"asyncprof/1\",\"functions\":[{\"id\":1}]}");
            AssertOneErrorLine(CliRunner.Run("report", file), 1, "bad.json");
            File.WriteAllText(file, "not json at all");
            AssertOneErrorLine(CliRunner.Run("report", file), 1, "bad.json", "not valid JSON");
        }

        [TestCase(new string[0], "no command")]
        [TestCase(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
        [TestCase(new[] { "--frobnicate" }, "unknown option '--frobnicate'")]
        [TestCase(new[] { "weave" }, "needs at least one")]
        [TestCase(new[] { "weave", "--bogus", "x.dll" }, "unknown option '--bogus'")]
        [TestCase(new[] { "weave", "x.dll", "--output" }, "'--output' needs a value")]
        [TestCase(new[] { "weave", "x.dll", "--output", "a", "--output", "b" }, "more than once")]
        [TestCase(new[] { "weave", "x.dll", "--include" }, "'--include' needs a value")]
        [TestCase(new[] { "weave", "x.dll", "--verbose=yes" }, "takes no value")]
        [TestCase(new[] { "report" }, "needs a profile")]
        [TestCase(new[] { "report", "a.json", "b.json" }, "one profile")]
        [TestCase(new[] { "report", "p.json", "--sort", "speed" }, "--sort speed")]
        [TestCase(new[] { "report", "p.json", "--sort" }, "'--sort' needs a value")]
        [TestCase(new[] { "report", "p.json", "--top", "0" }, "--top 0")]
        [TestCase(new[] { "report", "p.json", "--top", "-3" }, "--top -3")]
        [TestCase(new[] { "report", "p.json", "--top", "many" }, "--top many")]
        public void Usage_errors_exit_2(string[] args, string message)
        {
            var r = CliRunner.Run(args);
            AssertOneErrorLine(r, 2, message);
            Assert.That(r.StdOut, Is.Empty);
        }

        [TestCase(new[] { "--help" }, "asyncprof weave")]
        [TestCase(new[] { "-h" }, "asyncprof report")]
        [TestCase(new[] { "help", "weave" }, "--output DIR")]
        [TestCase(new[] { "weave", "--help" }, "--include PATTERN")]
        [TestCase(new[] { "report", "x.json", "--help" }, "--sort KEY")]
        public void Help_exits_2_and_prints_usage(string[] args, string expected)
        {
            var r = CliRunner.Run(args);
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.StdOut, Does.Contain("usage:"));
            Assert.That(r.StdOut, Does.Contain(expected));
            Assert.That(r.StdErr, Is.Empty);
        }

        [Test]
        public void Version_exits_0()
        {
            var r = CliRunner.Run("--version");
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.StdOut, Does.Match(@"^asyncprof \d+\.\d+"));
        }
    }
}
