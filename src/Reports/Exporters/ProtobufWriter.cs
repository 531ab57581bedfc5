using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// The few protocol buffers wire-format primitives the pprof exporter needs: varint, length-delimited and
    /// packed fields, and embedded messages (written to a buffer first to know their length).
    /// </summary>
    internal sealed class ProtobufWriter
    {
        const int WireVarint = 0, WireLengthDelimited = 2;
        readonly MemoryStream _buffer = new();

        public int Length => (int)_buffer.Length;

        public void WriteTo(Stream output) => _buffer.WriteTo(output);

        public byte[] ToArray() => _buffer.ToArray();

        void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _buffer.WriteByte((byte)value);
        }

        void Tag(int field, int wireType) => Raw(((ulong)field << 3) | (uint)wireType);

        /// <summary>An int64/uint64/bool field; proto3 leaves zero values out.</summary>
        public void Varint(int field, long value)
        {
            if (value == 0) return;
            Tag(field, WireVarint);
            Raw(unchecked((ulong)value));
        }

        public void Bool(int field, bool value) => Varint(field, value ? 1 : 0);

        /// <summary>A string field, written even when empty (for repeated string tables).</summary>
        public void String(int field, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Tag(field, WireLengthDelimited);
            Raw((ulong)bytes.Length);
            _buffer.Write(bytes, 0, bytes.Length);
        }

        public void Message(int field, ProtobufWriter message)
        {
            Tag(field, WireLengthDelimited);
            Raw((ulong)message.Length);
            message.WriteTo(_buffer);
        }

        public void Message(int field, Action<ProtobufWriter> build)
        {
            var m = new ProtobufWriter();
            build(m);
            Message(field, m);
        }

        /// <summary>A packed repeated int64/uint64 field (the proto3 default encoding).</summary>
        public void Packed(int field, IReadOnlyList<long> values)
        {
            if (values.Count == 0) return;
            var m = new ProtobufWriter();
            foreach (var v in values) m.Raw(unchecked((ulong)v));
            Message(field, m);
        }
    }
}
