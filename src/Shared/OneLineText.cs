using System.Text;

namespace AsyncProf.Shared
{
    /// <summary>
    /// Text made safe for one line of a log, an error message, a report or a terminal: line breaks, tabs and Unicode
    /// line separators become spaces; other control characters and lone surrogates (a damaged file's names may carry
    /// escape sequences) become '?'; surrogate pairs stay. Compiled into every assembly that prints (src/Shared).
    /// </summary>
    internal static class OneLineText
    {
        public static string Of(string? s)
        {
            if (string.IsNullOrEmpty(s)) return "";
            var b = new StringBuilder(s!.Length);
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\r' || c == '\n' || c == '\t' || c == '\u2028' || c == '\u2029') b.Append(' ');
                else if (i + 1 < s.Length && char.IsSurrogatePair(c, s[i + 1])) b.Append(c).Append(s[++i]);
                else if (char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD') b.Append('?');
                else b.Append(c);
            }
            return b.ToString().Trim();
        }
    }
}
