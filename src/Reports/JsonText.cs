using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace AsyncProf.Reports
{
    /// <summary>
    /// Text checks the profile readers share. asyncprof writes valid UTF-8 and never a lone surrogate, so text that
    /// cannot be decoded means a damaged file (or another writer): it is refused with its place in the file, rather
    /// than read with replacement characters, because a file damaged there may be damaged elsewhere too.
    /// </summary>
    internal static class JsonText
    {
        /// <summary>Null when the bytes are valid UTF-8, else where the first invalid sequence is.</summary>
        public static string? FindInvalidUtf8(ReadOnlySpan<byte> utf8)
        {
            if (System.Text.Unicode.Utf8.IsValid(utf8)) return null;
            var offset = 0;
            var line = 1;
            while (offset < utf8.Length)
            {
                if (Rune.DecodeFromUtf8(utf8.Slice(offset), out _, out var consumed) != System.Buffers.OperationStatus.Done) break;
                if (utf8[offset] == (byte)'\n') line++;
                offset += consumed;
            }
            return $"not valid UTF-8 at line {line} (byte offset {offset}, 0x{(offset < utf8.Length ? utf8[offset] : 0):X2}): the file is damaged or was not written by asyncprof";
        }

        /// <summary>
        /// A value from the file as an error message shows it: control characters escaped (a message is one line of
        /// plain text), and cut short, since a hostile file can hold a megabyte-long string or number.
        /// </summary>
        public static string Shown(string value, int max = 80)
        {
            var sb = new StringBuilder();
            foreach (var c in value)
            {
                if (sb.Length >= max) return sb.Append("...").ToString();
                if (char.IsControl(c) || c == '\u2028' || c == '\u2029') sb.Append("\\u").Append(((int)c).ToString("x4"));
                else sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>
        /// Refuses a property name that is not text (a lone surrogate escape) with its place in the file: looking up
        /// any property of its object would otherwise fail without saying where.
        /// </summary>
        public static void CheckPropertyNames(JsonElement root, string source)
        {
            var pending = new Stack<(JsonElement Element, string Path)>();
            pending.Push((root, ""));
            while (pending.Count > 0)
            {
                var (element, path) = pending.Pop();
                if (element.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array) pending.Push((item, $"{path}[{i}]"));
                        i++;
                    }
                }
                else if (element.ValueKind == JsonValueKind.Object)
                {
                    var i = 0;
                    foreach (var property in element.EnumerateObject())
                    {
                        string name;
                        try { name = property.Name; }
                        catch (InvalidOperationException e)
                        {
                            throw new ProfileFormatException(source,
                                $"{(path.Length == 0 ? "the top-level object" : path)}: property {i + 1} has a name that is not text (a \\u escape of half a surrogate pair without its other half)", e);
                        }
                        if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) pending.Push((property.Value, path.Length == 0 ? name : path + "." + name));
                        i++;
                    }
                }
            }
        }

        /// <summary>The string value; a lone surrogate escape (<c>\ud800</c> without its pair) is reported at <paramref name="where"/>.</summary>
        public static string GetString(JsonElement value, string source, string where)
        {
            try { return value.GetString()!; }
            catch (InvalidOperationException e) when (value.ValueKind == JsonValueKind.String)
            {
                throw new ProfileFormatException(source, $"{where}: not text (a \\u escape of half a surrogate pair, such as \\ud800, without its other half)", e);
            }
        }
    }
}
