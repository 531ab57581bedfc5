using System.IO;

namespace AsyncProf.Weaver.IO
{
    /// <summary>The .snk a strong-named project signs with, read once so the woven assembly is signed with it too.</summary>
    internal static class StrongNameKey
    {
        public static byte[]? Read(string? keyFile)
        {
            if (string.IsNullOrEmpty(keyFile)) return null;
            if (!File.Exists(keyFile)) throw new WeavingException(keyFile + ": strong-name key file not found");
            var blob = File.ReadAllBytes(keyFile);
            // A public-key-only .snk (delay signing) is 160 bytes: it cannot sign anything.
            if (blob.Length <= 160) throw new WeavingException(keyFile + ": holds only a public key (delay signing); AsyncProf needs the full key pair to re-sign the woven assembly");
            return blob;
        }
    }
}
