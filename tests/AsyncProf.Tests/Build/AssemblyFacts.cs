using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace AsyncProf.Tests.Build
{
    /// <summary>What a built assembly is, read with System.Reflection.Metadata (independent of Cecil and the weaver).</summary>
    public sealed class AssemblyFacts
    {
        public string Path { get; }
        public IReadOnlyList<string> AssemblyReferences { get; }
        public byte[] PublicKey { get; }
        public bool StrongNameSignedFlag { get; }
        public bool HasEmbeddedPdb { get; }
        public bool HasCodeViewPdb { get; }

        public AssemblyFacts(string path)
        {
            Path = path;
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var md = pe.GetMetadataReader();
            AssemblyReferences = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
            PublicKey = md.GetBlobBytes(md.GetAssemblyDefinition().PublicKey);
            StrongNameSignedFlag = (pe.PEHeaders.CorHeader!.Flags & CorFlags.StrongNameSigned) != 0;
            var debug = pe.ReadDebugDirectory();
            HasEmbeddedPdb = debug.Any(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
            HasCodeViewPdb = debug.Any(d => d.Type == DebugDirectoryEntryType.CodeView);
        }

        /// <summary>Woven code calls the runtime: a woven assembly references AsyncProf, an ordinary one does not.</summary>
        public bool ReferencesAsyncProf => AssemblyReferences.Contains("AsyncProf", StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Verifies the strong-name signature against the assembly's own public key, the way the .NET Framework loader
        /// and sn -v do: SHA-1 (or the key's hash) over the headers (checksum and certificate table entry excluded) and
        /// every section's raw data except the signature blob, checked with the RSA public key in PKCS#1 v1.5.
        /// Returns null when valid, else why not.
        /// </summary>
        public static string? StrongNameProblem(string path)
        {
            var image = File.ReadAllBytes(path);
            using var pe = new PEReader(new MemoryStream(image));
            var headers = pe.PEHeaders;
            var cor = headers.CorHeader ?? throw new InvalidDataException(path + ": not a .NET assembly");
            if ((cor.Flags & CorFlags.StrongNameSigned) == 0) return "the StrongNameSigned flag is not set";
            var md = pe.GetMetadataReader();
            var publicKey = md.GetBlobBytes(md.GetAssemblyDefinition().PublicKey);
            if (publicKey.Length < 12 + 20) return "no public key";

            var sigDir = cor.StrongNameSignatureDirectory;
            if (sigDir.Size == 0 || !headers.TryGetDirectoryOffset(sigDir, out var sigOffset)) return "no signature directory";

            // Exclusions inside the headers.
            var peOffset = headers.PEHeaderStartOffset;
            var checksumOffset = peOffset + 64;
            var is64 = headers.PEHeader!.Magic == PEMagic.PE32Plus;
            var certEntryOffset = peOffset + (is64 ? 144 : 128); // data directory 4 (certificate table)
            var headerEnd = headers.SectionHeaders.Length == 0 ? headers.PEHeader.SizeOfHeaders
                : headers.CoffHeaderStartOffset + 20 + headers.CoffHeader.SizeOfOptionalHeader + 40 * headers.SectionHeaders.Length;

            var hashAlgorithm = BitConverter.ToInt32(publicKey, 4) switch
            {
                0x800c => HashAlgorithmName.SHA256,
                0x800d => HashAlgorithmName.SHA384,
                0x800e => HashAlgorithmName.SHA512,
                _ => HashAlgorithmName.SHA1,
            };
            using var hash = IncrementalHash.CreateHash(hashAlgorithm);
            var head = image.AsSpan(0, headerEnd).ToArray();
            Array.Clear(head, checksumOffset, 4);
            Array.Clear(head, certEntryOffset, 8);
            hash.AppendData(head);
            foreach (var section in headers.SectionHeaders)
            {
                var start = section.PointerToRawData;
                var end = start + section.SizeOfRawData;
                if (sigOffset >= start && sigOffset < end)
                {
                    hash.AppendData(image, start, sigOffset - start);
                    hash.AppendData(image, sigOffset + sigDir.Size, end - sigOffset - sigDir.Size);
                }
                else
                {
                    hash.AppendData(image, start, section.SizeOfRawData);
                }
            }
            var digest = hash.GetHashAndReset();

            var signature = image.AsSpan(sigOffset, sigDir.Size).ToArray();
            Array.Reverse(signature); // stored little-endian
            using var rsa = RSA.Create();
            rsa.ImportParameters(PublicKeyParameters(publicKey));
            return rsa.VerifyHash(digest, signature, hashAlgorithm, RSASignaturePadding.Pkcs1)
                ? null
                : "the signature does not match the image and its public key";
        }

        /// <summary>The RSA key in an assembly's public key blob (12-byte header, then a CAPI PUBLICKEYBLOB).</summary>
        static RSAParameters PublicKeyParameters(byte[] publicKey)
        {
            var blob = publicKey.AsSpan(12);
            // BLOBHEADER (8) + RSAPUBKEY: magic "RSA1", bit length, public exponent; then the modulus, little-endian.
            var bitLength = BitConverter.ToInt32(blob.Slice(12, 4));
            var exponent = BitConverter.ToUInt32(blob.Slice(16, 4));
            var modulus = blob.Slice(20, bitLength / 8).ToArray();
            Array.Reverse(modulus);
            var e = BitConverter.GetBytes(exponent);
            Array.Reverse(e);
            var firstNonZero = Array.FindIndex(e, b => b != 0);
            return new RSAParameters { Modulus = modulus, Exponent = e[firstNonZero..] };
        }

        /// <summary>
        /// A new strong-name key file (.snk: a CAPI PRIVATEKEYBLOB, as `sn -k` writes) and the public key an assembly
        /// signed with it carries.
        /// </summary>
        public static byte[] WriteStrongNameKey(string path)
        {
            using var rsa = RSA.Create(1024);
            var p = rsa.ExportParameters(includePrivateParameters: true);
            var bits = p.Modulus!.Length * 8;
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms))
            {
                w.Write((byte)0x07); w.Write((byte)0x02); w.Write((ushort)0); w.Write(0x00002400); // PRIVATEKEYBLOB, CALG_RSA_SIGN
                w.Write(0x32415352); w.Write(bits); // "RSA2"
                w.Write(ToUInt32(p.Exponent!));
                w.Write(LittleEndian(p.Modulus, bits / 8));
                w.Write(LittleEndian(p.P!, bits / 16));
                w.Write(LittleEndian(p.Q!, bits / 16));
                w.Write(LittleEndian(p.DP!, bits / 16));
                w.Write(LittleEndian(p.DQ!, bits / 16));
                w.Write(LittleEndian(p.InverseQ!, bits / 16));
                w.Write(LittleEndian(p.D!, bits / 8));
            }
            File.WriteAllBytes(path, ms.ToArray());

            // The assembly's public key: SigAlgId CALG_RSA_SIGN, HashAlgId CALG_SHA1, length, PUBLICKEYBLOB.
            using var pub = new MemoryStream();
            using (var w = new BinaryWriter(pub))
            {
                w.Write(0x00002400); w.Write(0x00008004); w.Write(20 + bits / 8);
                w.Write((byte)0x06); w.Write((byte)0x02); w.Write((ushort)0); w.Write(0x00002400);
                w.Write(0x31415352); w.Write(bits); // "RSA1"
                w.Write(ToUInt32(p.Exponent!));
                w.Write(LittleEndian(p.Modulus, bits / 8));
            }
            return pub.ToArray();
        }

        static uint ToUInt32(byte[] bigEndian)
        {
            uint v = 0;
            foreach (var b in bigEndian) v = (v << 8) | b;
            return v;
        }

        static byte[] LittleEndian(byte[] bigEndian, int length)
        {
            var result = new byte[length];
            for (int i = 0; i < bigEndian.Length && i < length; i++)
                result[i] = bigEndian[bigEndian.Length - 1 - i];
            return result;
        }
    }
}
