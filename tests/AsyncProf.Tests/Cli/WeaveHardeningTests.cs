using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>
    /// `asyncprof weave` as a hostile user or a damaged disk would drive it (issue 8): damaged metadata, a malformed
    /// deps.json, file modes, read-only files, symbolic links, FIFOs; and the safety net for third-party DLLs:
    /// --dry-run, backups and `asyncprof restore`.
    /// </summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class WeaveHardeningTests
    {
        static readonly Dictionary<string, string?> HeapLimit = new() { ["DOTNET_GCHeapHardLimit"] = "0x20000000" }; // 512 MB

        string _app = null!;
        string _dll = null!;

        static string SeedBuild => ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release");

        [SetUp]
        public void FreshApp()
        {
            _app = ProjectBuilds.CopyToFresh(SeedBuild, "harden");
            _dll = Path.Combine(_app, "SeedApp.dll");
        }

        static ProcessResult Weave(params string[] args)
        {
            var all = new List<string> { CliRunner.ToolPath, "weave" };
            all.AddRange(args);
            return ProcessRunner.Run("dotnet", all, environment: HeapLimit, timeout: TimeSpan.FromMinutes(2));
        }

        static void AssertOneError(ProcessResult r, params string[] mentions)
        {
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
            var lines = CliRunner.Lines(r.StdErr);
            Assert.That(lines, Has.Count.EqualTo(1), "one line on stderr\n" + r);
            Assert.That(lines[0], Does.StartWith("asyncprof: "));
            Assert.That(lines[0], Does.Not.Contain("internal error").And.Not.Contain("Exception"));
            foreach (var m in mentions) Assert.That(lines[0], Does.Contain(m));
        }

        Dictionary<string, byte[]> Snapshot() =>
            Directory.GetFiles(_app, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(_app, f), File.ReadAllBytes);

        void AssertUntouched(Dictionary<string, byte[]> before)
        {
            var after = Snapshot();
            Assert.That(after.Keys, Is.EquivalentTo(before.Keys), "no file added or removed (no runtime, no backup, no temp file)");
            foreach (var (name, bytes) in before) Assert.That(after[name], Is.EqualTo(bytes), name + " unchanged");
        }

        [Test]
        public void A_generic_parameter_index_that_reads_as_half_a_billion_fails_fast_within_a_small_heap()
        {
            // One byte changed in the #Blob heap made Cecil create half a billion generic parameters (past 18 GB).
            File.WriteAllBytes(_dll, DamagedMetadata.HugeGenericIndex(File.ReadAllBytes(_dll)));
            var before = Snapshot();
            AssertOneError(Weave(_dll), "SeedApp.dll", "damaged metadata", "member reference");
            AssertUntouched(before);
        }

        [TestCase("coded-index")]
        [TestCase("blob-index")]
        public void Damaged_attribute_rows_are_bad_input_named_by_file_and_skipped_in_a_folder(string damage)
        {
            var original = File.ReadAllBytes(_dll);
            var damaged = damage == "coded-index" ? DamagedMetadata.InvalidCodedIndex(original) : DamagedMetadata.BlobIndexOutOfBounds(original);
            var bad = Path.Combine(_app, "Damaged.dll");
            File.WriteAllBytes(bad, damaged);
            var before = File.ReadAllBytes(bad);

            AssertOneError(Weave(bad), "Damaged.dll", "damaged metadata");
            Assert.That(File.ReadAllBytes(bad), Is.EqualTo(before));

            // In a folder the damaged file gets its own line and the good one is still woven.
            var folder = Weave(_app);
            TestContext.Out.WriteLine(folder);
            Assert.That(folder.ExitCode, Is.EqualTo(0), folder.ToString());
            Assert.That(folder.StdOut, Does.Contain($"skipped {Path.Combine(_app, "Damaged.dll")}: damaged metadata"));
            Assert.That(folder.StdOut, Does.Contain($"{_dll}: wove "));
            Assert.That(File.ReadAllBytes(bad), Is.EqualTo(before));
        }

        [Test]
        public void A_malformed_deps_json_stops_the_run_before_anything_is_written()
        {
            var deps = Path.Combine(_app, "SeedApp.deps.json");
            File.WriteAllText(deps, File.ReadAllText(deps).Replace("\"targets\"", "\"targets\" {"));
            var before = Snapshot();
            AssertOneError(Weave(_dll), "SeedApp.deps.json", "not a valid deps.json", "nothing was changed");
            AssertUntouched(before);
        }

        [Test]
        public void In_place_weaving_keeps_the_file_mode()
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("Unix file modes");
            var privateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            File.SetUnixFileMode(_dll, privateMode);
            var r = Weave(_dll);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(File.GetUnixFileMode(_dll), Is.EqualTo(privateMode), "0600 stays 0600");
        }

        [Test]
        public void A_read_only_file_is_refused_and_left_as_it_was()
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("Unix file modes");
            File.SetUnixFileMode(_dll, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var before = Snapshot();
            AssertOneError(Weave(_dll), "SeedApp.dll", "read-only", "--output");
            AssertUntouched(before);
            Assert.That(File.GetUnixFileMode(_dll), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        }

        [Test]
        public void A_symbolic_link_stays_a_link_and_its_target_is_woven()
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("symbolic links need privileges on Windows");
            var elsewhere = ProjectBuilds.CopyToFresh(SeedBuild, "harden-target");
            var target = Path.Combine(elsewhere, "SeedApp.dll");
            File.Delete(_dll);
            File.CreateSymbolicLink(_dll, target);
            var original = File.ReadAllBytes(target);

            var r = Weave(_dll);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(new FileInfo(_dll).LinkTarget, Is.EqualTo(target), "still a link to the same file");
            Assert.That(File.ReadAllBytes(target), Is.Not.EqualTo(original), "the target is woven");
            var run = ProcessRunner.Run("dotnet", new[] { _dll, "1" }, environment: new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = Path.Combine(_app, "p.json") });
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(File.Exists(Path.Combine(_app, "p.json")), "the app runs woven through its link");

            var restore = CliRunner.Run("restore", _dll);
            Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
            Assert.That(File.ReadAllBytes(target), Is.EqualTo(original));
            Assert.That(new FileInfo(_dll).LinkTarget, Is.EqualTo(target));
        }

        [Test]
        public void A_fifo_named_like_a_dll_is_refused_without_opening_it()
        {
            if (OperatingSystem.IsWindows()) Assert.Ignore("FIFOs");
            var fifo = Path.Combine(_app, "Pipe.dll");
            var mk = ProcessRunner.Run("mkfifo", new[] { fifo });
            Assert.That(mk.ExitCode, Is.EqualTo(0), mk.ToString());
            // Opening it would block until a writer comes: the time limit of the run turns a hang into a failure.
            AssertOneError(Weave(fifo), "Pipe.dll", "not a regular file");
            var folder = Weave(_app);
            Assert.That(folder.ExitCode, Is.EqualTo(0), folder.ToString());
            Assert.That(folder.StdOut, Does.Contain("Pipe.dll: empty, or not a regular file"));
        }

        [Test]
        public void Dry_run_lists_what_would_be_woven_and_writes_nothing()
        {
            var before = Snapshot();
            var r = Weave(_app, "--dry-run", "--exclude", "SeedApp.Handlers.*");
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.StdOut, Does.Contain("SeedApp.dll: would weave: wove "));
            Assert.That(r.StdOut, Does.Contain("dry run: nothing was written"));
            AssertUntouched(before);
        }

        [Test]
        public void Restore_puts_a_woven_folder_back_byte_for_byte()
        {
            var before = Snapshot();
            var woven = Weave(_app);
            Assert.That(woven.ExitCode, Is.EqualTo(0), woven.ToString());
            Assert.That(File.ReadAllBytes(_dll), Is.Not.EqualTo(before["SeedApp.dll"]));
            Assert.That(File.Exists(Path.Combine(_app, "AsyncProf.dll")));

            var restore = CliRunner.Run("restore", _app);
            TestContext.Out.WriteLine(restore);
            Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
            AssertUntouched(before);

            var again = CliRunner.Run("restore", _app);
            Assert.That(again.ExitCode, Is.EqualTo(1), "nothing left to restore");
            Assert.That(again.StdErr, Does.Contain("nothing to restore"));
        }

        [Test]
        public void Weave_with_verify_compiles_every_woven_method_and_verify_checks_a_woven_folder()
        {
            var r = Weave(_dll, "--verify");
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.StdOut, Does.Contain("(verified: every method compiles)"));
            var verify = CliRunner.Run("verify", _app);
            TestContext.Out.WriteLine(verify);
            Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString());
            Assert.That(verify.StdOut, Does.Match(@"SeedApp\.dll: \d+ methods compile"));
        }
    
        [Test]
        public void Verify_names_the_method_and_IL_offset_of_code_that_does_not_compile()
        {
            // A pop on an empty stack at the start of one method: what a weaver bug looks like.
            using (var module = Mono.Cecil.ModuleDefinition.ReadModule(_dll, new Mono.Cecil.ReaderParameters { InMemory = true }))
            {
                var method = module.GetTypes().SelectMany(t => t.Methods).First(m => m.HasBody && m.DeclaringType.Name == "Program" && !m.IsConstructor);
                method.Body.GetILProcessor().InsertBefore(method.Body.Instructions[0], Mono.Cecil.Cil.Instruction.Create(Mono.Cecil.Cil.OpCodes.Pop));
                module.Write(_dll + ".broken");
                TestContext.Out.WriteLine("broke " + method.FullName);
            }
            File.Move(_dll + ".broken", _dll, overwrite: true);
            File.Delete(Path.ChangeExtension(_dll, ".pdb")); // it no longer matches

            var verify = CliRunner.Run("verify", _dll);
            AssertOneError(verify, "SeedApp.dll", "does not compile", "SeedApp.Program::", "at IL_0000", "pops 1 values from a stack of 0");

            // Weaving it with --verify: the input itself does not compile, so it is bad input, and nothing is written.
            var before = Snapshot();
            AssertOneError(Weave(_dll, "--verify"), "SeedApp.dll", "its own code does not compile", "nothing was written");
            AssertUntouched(before);
        }
    
        [Test]
        public void Verify_names_a_reference_found_nowhere()
        {
            // A method that creates an object of a type from an assembly that is not anywhere the host would look.
            using (var module = Mono.Cecil.ModuleDefinition.ReadModule(_dll, new Mono.Cecil.ReaderParameters { InMemory = true }))
            {
                var missing = new Mono.Cecil.AssemblyNameReference("Nowhere.Lib", new Version(1, 2, 3, 4));
                module.AssemblyReferences.Add(missing);
                var type = new Mono.Cecil.TypeReference("Nowhere", "Thing", module, missing);
                var ctor = new Mono.Cecil.MethodReference(".ctor", module.TypeSystem.Void, type) { HasThis = true };
                var method = new Mono.Cecil.MethodDefinition("UsesNowhere", Mono.Cecil.MethodAttributes.Public | Mono.Cecil.MethodAttributes.Static, module.TypeSystem.Object);
                var il = method.Body.GetILProcessor();
                il.Emit(Mono.Cecil.Cil.OpCodes.Newobj, ctor);
                il.Emit(Mono.Cecil.Cil.OpCodes.Ret);
                module.GetTypes().First(t => t.Name == "Program").Methods.Add(method);
                module.Write(_dll + ".tmp");
            }
            File.Move(_dll + ".tmp", _dll, overwrite: true);
            File.Delete(Path.ChangeExtension(_dll, ".pdb"));

            AssertOneError(CliRunner.Run("verify", _dll), "SeedApp.dll", "cannot be verified", "Nowhere.Lib", "--references");
        }
    }
}
