using System;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace AsyncProf.Cli
{
    /// <summary>
    /// Walks every signature blob of an assembly (ECMA-335 II.23.2) before Mono.Cecil reads it, and refuses the
    /// values Cecil would trust blindly: a generic parameter index makes Cecil create that many generic parameters
    /// (one flipped byte asked for half a billion: the weaver grew past 18 GB), an array rank that many dimensions,
    /// and nesting that deep a recursion. Counts that cannot fit in what is left of their blob are damage too.
    /// Every read is bounded by the blob (BlobReader throws BadImageFormatException past its end).
    /// </summary>
    public static class SignatureCheck
    {
        /// <summary>Far above any real generic arity or index, far below what would exhaust memory.</summary>
        const int MaxGenericIndex = 4096;
        const int MaxArrayRank = 32;
        const int MaxNesting = 64;

        sealed class DamagedSignature : Exception
        {
            public DamagedSignature(string message) : base(message) { }
        }

        /// <summary>Null when every signature is well formed, else what is wrong, in words.</summary>
        public static string? FindProblem(MetadataReader md)
        {
            var where = "";
            var specs = new SpecState();
            try
            {
                where = "a type specification";
                for (int row = 1, n = md.GetTableRowCount(TableIndex.TypeSpec); row <= n; row++)
                    new Walker(md, specs).TypeSpec(row, 0);
                where = "a method signature";
                foreach (var h in md.MethodDefinitions)
                {
                    var r = md.GetBlobReader(md.GetMethodDefinition(h).Signature);
                    new Walker(md, specs).Method(ref r, 0);
                }
                where = "a field signature";
                foreach (var h in md.FieldDefinitions)
                {
                    var r = md.GetBlobReader(md.GetFieldDefinition(h).Signature);
                    new Walker(md, specs).Field(ref r);
                }
                where = "a property signature";
                foreach (var h in md.PropertyDefinitions)
                {
                    var r = md.GetBlobReader(md.GetPropertyDefinition(h).Signature);
                    new Walker(md, specs).Method(ref r, 0);
                }
                where = "a member reference";
                foreach (var h in md.MemberReferences)
                    KindOrMethod(md, specs, md.GetMemberReference(h).Signature, SignatureKind.Field);
                where = "a local variable signature";
                for (int row = 1, n = md.GetTableRowCount(TableIndex.StandAloneSig); row <= n; row++)
                    KindOrMethod(md, specs, md.GetStandaloneSignature(MetadataTokens.StandaloneSignatureHandle(row)).Signature, SignatureKind.LocalVariables);
                where = "a generic method instantiation";
                for (int row = 1, n = md.GetTableRowCount(TableIndex.MethodSpec); row <= n; row++)
                {
                    var r = md.GetBlobReader(md.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row)).Signature);
                    if (r.ReadSignatureHeader().Kind != SignatureKind.MethodSpecification) throw new DamagedSignature("is not an instantiation");
                    new Walker(md, specs).Types(ref r, 0);
                }
                return null;
            }
            catch (DamagedSignature e)
            {
                return $"damaged metadata: {where} {e.Message}";
            }
            catch (BadImageFormatException)
            {
                return $"damaged metadata: {where} is cut short or points outside its heap";
            }
        }

        /// <summary>The type specifications walked so far, and those being walked.</summary>
        sealed class SpecState
        {
            public readonly System.Collections.Generic.HashSet<int> Done = new();
            public readonly System.Collections.Generic.HashSet<int> Active = new();
        }

        /// <summary>A blob that is either of <paramref name="kind"/> (a field type, or local variable types) or a method signature.</summary>
        static void KindOrMethod(MetadataReader md, SpecState specs, BlobHandle blob, SignatureKind kind)
        {
            var r = md.GetBlobReader(blob);
            if (r.Length > 0 && r.ReadSignatureHeader().Kind == kind)
            {
                if (kind == SignatureKind.Field) new Walker(md, specs).Type(ref r, 0);
                else new Walker(md, specs).Types(ref r, 0);
                return;
            }
            r.Reset();
            new Walker(md, specs).Method(ref r, 0);
        }

        /// <summary>One signature's reader state; <c>Type</c> recurses with the nesting depth.</summary>
        readonly struct Walker
        {
            readonly MetadataReader md;
            readonly SpecState specs;

            public Walker(MetadataReader md, SpecState specs)
            {
                this.md = md;
                this.specs = specs;
            }

            public void Field(ref BlobReader r)
            {
                if (r.ReadSignatureHeader().Kind != SignatureKind.Field) throw new DamagedSignature("is not a field signature");
                Type(ref r, 0);
            }

            /// <summary>A method or property signature: header, [generic count], parameter count, return type, parameters.</summary>
            public void Method(ref BlobReader r, int depth)
            {
                var header = r.ReadSignatureHeader();
                if (header.IsGeneric && r.ReadCompressedInteger() > MaxGenericIndex)
                    throw new DamagedSignature("declares an impossible number of generic parameters");
                var parameters = Count(ref r, "parameter count");
                Type(ref r, depth + 1);
                for (var i = 0; i < parameters; i++)
                {
                    if (r.RemainingBytes > 0 && r.ReadByte() != (byte)SignatureTypeCode.Sentinel) r.Offset--;
                    Type(ref r, depth + 1);
                }
            }

            /// <summary>A count followed by that many types (locals, method instantiations).</summary>
            public void Types(ref BlobReader r, int depth)
            {
                var count = Count(ref r, "count");
                for (var i = 0; i < count; i++) Type(ref r, depth + 1);
            }

            public void Type(ref BlobReader r, int depth)
            {
                if (depth > MaxNesting) throw new DamagedSignature("nests types impossibly deep");
                var code = r.ReadByte();
                switch (code)
                {
                    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07: case 0x08:
                    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x0E: // void ... string
                    case 0x16: case 0x18: case 0x19: case 0x1C: // typedref, native int, native uint, object
                        return;
                    case 0x0F: case 0x10: case 0x1D: case 0x45: // pointer, byref, szarray, pinned
                        Type(ref r, depth + 1);
                        return;
                    case 0x11: case 0x12: // valuetype, class
                        TypeHandle(ref r, depth);
                        return;
                    case 0x13: case 0x1E: // generic type / method parameter
                        if (r.ReadCompressedInteger() >= MaxGenericIndex) throw new DamagedSignature("names a generic parameter far beyond any real one");
                        return;
                    case 0x14: // array: element type, rank, sizes, lower bounds
                    {
                        Type(ref r, depth + 1);
                        var rank = r.ReadCompressedInteger();
                        if (rank == 0 || rank > MaxArrayRank) throw new DamagedSignature("gives an array an impossible rank");
                        var sizes = r.ReadCompressedInteger();
                        if (sizes > rank) throw new DamagedSignature("gives an array more sizes than dimensions");
                        for (var i = 0; i < sizes; i++) r.ReadCompressedInteger();
                        var bounds = r.ReadCompressedInteger();
                        if (bounds > rank) throw new DamagedSignature("gives an array more bounds than dimensions");
                        for (var i = 0; i < bounds; i++) r.ReadCompressedSignedInteger();
                        return;
                    }
                    case 0x15: // generic instance: class/valuetype, type, argument count, arguments
                    {
                        var kind = r.ReadByte();
                        if (kind != 0x11 && kind != 0x12) throw new DamagedSignature("instantiates something that is not a type");
                        TypeHandle(ref r, depth);
                        var arguments = Count(ref r, "generic argument count");
                        if (arguments == 0 || arguments > MaxGenericIndex) throw new DamagedSignature("has an impossible number of generic arguments");
                        for (var i = 0; i < arguments; i++) Type(ref r, depth + 1);
                        return;
                    }
                    case 0x1B: // function pointer
                        Method(ref r, depth + 1);
                        return;
                    case 0x1F: case 0x20: // required / optional modifier, then the modified type
                        TypeHandle(ref r, depth);
                        Type(ref r, depth + 1);
                        return;
                    default:
                        throw new DamagedSignature("holds an unknown element type");
                }
            }

            /// <summary>A TypeDefOrRef coded index whose row must exist.</summary>
            void TypeHandle(ref BlobReader r, int depth)
            {
                var coded = r.ReadCompressedInteger();
                var row = coded >> 2;
                var table = (coded & 3) switch
                {
                    0 => TableIndex.TypeDef,
                    1 => TableIndex.TypeRef,
                    2 => TableIndex.TypeSpec,
                    _ => throw new DamagedSignature("refers to a type through an invalid index"),
                };
                if (row == 0 || row > md.GetTableRowCount(table)) throw new DamagedSignature("refers to a type that does not exist");
                if (table == TableIndex.TypeSpec) TypeSpec(row, depth);
            }

            /// <summary>
            /// Cecil follows a type specification named inside a signature: one that names itself recursed until the
            /// stack overflowed, which no handler can catch. Each is walked once; one met again while it is being
            /// walked is a cycle.
            /// </summary>
            public void TypeSpec(int row, int depth)
            {
                if (specs.Done.Contains(row)) return;
                if (!specs.Active.Add(row)) throw new DamagedSignature("names a type specification that contains itself");
                var r = md.GetBlobReader(md.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).Signature);
                Type(ref r, depth + 1);
                specs.Active.Remove(row);
                specs.Done.Add(row);
            }

            /// <summary>A compressed count; each counted item takes at least one byte, so it cannot exceed the rest of the blob.</summary>
            static int Count(ref BlobReader r, string what)
            {
                var count = r.ReadCompressedInteger();
                if (count > r.RemainingBytes) throw new DamagedSignature($"has a {what} larger than the signature");
                return count;
            }
        }
    }
}
