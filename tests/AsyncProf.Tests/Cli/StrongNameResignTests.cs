using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using System.Security.Cryptography;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>
    /// `weave --key FILE` on a strong-named third-party assembly: the woven file carries a real signature made with
    /// that key (not the zeros of an unsigned one) and the same strong name, so a reference that names it with its
    /// public key token still binds to it.
    /// </summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class StrongNameResignTests
    {
        [Test]
        public void A_strong_named_assembly_is_re_signed_and_still_binds_by_its_strong_name()
        {
            var app = ProjectBuilds.CopyToFresh(ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "resign");
            var dll = Path.Combine(app, "SeedApp.dll");
            var key = Path.Combine(app, "key.snk");
            using (var rsa = new RSACryptoServiceProvider(1024)) File.WriteAllBytes(key, rsa.ExportCspBlob(includePrivateParameters: true));

            // Make it strong-named, as a third-party package would ship it.
            using (var module = Mono.Cecil.ModuleDefinition.ReadModule(dll, new Mono.Cecil.ReaderParameters { InMemory = true, ReadSymbols = true }))
                module.Write(dll, new Mono.Cecil.WriterParameters { StrongNameKeyBlob = File.ReadAllBytes(key), WriteSymbols = true });
            var token = AssemblyName.GetAssemblyName(dll).GetPublicKeyToken();
            Assert.That(token, Is.Not.Empty, "the input is strong-named");
            Assert.That(SignatureIsWritten(dll), Is.True, "the input carries a signature");

            var r = CliRunner.Run("weave", dll, "--key", key);
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.StdErr, Does.Not.Contain("no longer valid"), "no warning about a broken signature");
            Assert.That(SignatureIsWritten(dll), Is.True, "the woven file is signed, not left with an empty signature");

            var woven = AssemblyName.GetAssemblyName(dll);
            Assert.That(woven.GetPublicKeyToken(), Is.EqualTo(token), "same strong name");
            var context = new AssemblyLoadContext("resign-check", isCollectible: true);
            context.Resolving += (ctx, name) => name.Name == "SeedApp" ? ctx.LoadFromAssemblyPath(dll) : null;
            try
            {
                // Loading by the full strong name fails when the located file's identity differs.
                var loaded = context.LoadFromAssemblyName(new AssemblyName(woven.FullName));
                Assert.That(loaded.GetName().GetPublicKeyToken(), Is.EqualTo(token));
                Assert.That(loaded.GetTypes().Any(t => t.Name == "<AsyncProf>MethodTable"), "the woven assembly is the one loaded");
            }
            finally
            {
                context.Unload();
            }
        }

        static bool SignatureIsWritten(string path)
        {
            using var pe = new PEReader(File.OpenRead(path));
            var dir = pe.PEHeaders.CorHeader!.StrongNameSignatureDirectory;
            if (dir.Size == 0 || (pe.PEHeaders.CorHeader.Flags & CorFlags.StrongNameSigned) == 0) return false;
            var bytes = pe.GetSectionData(dir.RelativeVirtualAddress).GetContent(0, dir.Size);
            return bytes.Any(b => b != 0);
        }
    }
}
