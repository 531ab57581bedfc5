using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace AsyncProf.Tests.Cli
{
    /// <summary>
    /// Precise damage to a real assembly's metadata, found through System.Reflection.Metadata (the kinds the fuzzing
    /// of issue 8 hit): a generic parameter index that runs into the next blob, an invalid coded index, a blob
    /// index past the end of the heap.
    /// </summary>
    internal static class DamagedMetadata
    {
        /// <summary>
        /// In the first member reference signature that mentions generic parameter !0 (SetResult(!0) of an async
        /// method's builder), one byte changed so the index reads as a four-byte number (0x1Fxxxxxx): Cecil would
        /// create that many generic parameters.
        /// </summary>
        public static byte[] HugeGenericIndex(byte[] image)
        {
            var copy = (byte[])image.Clone();
            using var pe = new PEReader(new MemoryStream(image));
            var md = pe.GetMetadataReader();
            foreach (var handle in md.MemberReferences)
            {
                var blob = md.GetMemberReference(handle).Signature;
                var bytes = md.GetBlobBytes(blob);
                for (var i = 1; i + 1 < bytes.Length; i++)
                    if (bytes[i] == 0x13 && bytes[i + 1] == 0x00 && i + 1 == bytes.Length - 1)
                    {
                        copy[BlobContentOffset(pe, md, blob) + i + 1] = 0xDF;
                        return copy;
                    }
            }
            throw new InvalidOperationException("no member reference ends with generic parameter !0");
        }

        /// <summary>The first custom attribute's constructor coded index given the unused tag 0.</summary>
        public static byte[] InvalidCodedIndex(byte[] image) =>
            PatchCustomAttributeRow(image, (row, parentSize, typeSize, _) => row[parentSize] = (byte)(row[parentSize] & ~7));

        /// <summary>The first custom attribute's value blob index pointed past the end of the #Blob heap.</summary>
        public static byte[] BlobIndexOutOfBounds(byte[] image) =>
            PatchCustomAttributeRow(image, (row, parentSize, typeSize, blobSize) =>
            {
                for (var k = 0; k < blobSize; k++) row[parentSize + typeSize + k] = 0xF0;
            });

        static byte[] PatchCustomAttributeRow(byte[] image, Action<Span<byte>, int, int, int> patch)
        {
            var copy = (byte[])image.Clone();
            using var pe = new PEReader(new MemoryStream(image));
            var md = pe.GetMetadataReader();
            var rowSize = md.GetTableRowSize(TableIndex.CustomAttribute);
            var blobSize = md.GetHeapSize(HeapIndex.Blob) < 0x10000 ? 2 : 4;
            // Small assemblies: both coded indexes are two bytes (checked: the row must add up).
            if (rowSize != 2 + 2 + blobSize) throw new InvalidOperationException($"unexpected CustomAttribute row size {rowSize}");
            var offset = pe.PEHeaders.MetadataStartOffset + md.GetTableMetadataOffset(TableIndex.CustomAttribute);
            patch(copy.AsSpan(offset, rowSize), 2, 2, blobSize);
            return copy;
        }

        static int BlobContentOffset(PEReader pe, MetadataReader md, BlobHandle blob)
        {
            var start = pe.PEHeaders.MetadataStartOffset + md.GetHeapMetadataOffset(HeapIndex.Blob) + MetadataTokens.GetHeapOffset(blob);
            var length = md.GetBlobBytes(blob).Length;
            return start + (length < 0x80 ? 1 : length < 0x4000 ? 2 : 4);
        }
    }
}
