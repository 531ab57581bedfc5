using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// A method's parameter list as C# writes it, to tell overloads apart in display names:
    /// <c>(CommandBehavior, CancellationToken)</c>, <c>(ref int, out string)</c>, <c>(List&lt;int&gt;, int?)</c>.
    /// Types go by their own short name (no namespace), keywords for the built-in ones.
    /// </summary>
    internal static class ParameterTypeNames
    {
        static readonly Dictionary<string, string> Keywords = new Dictionary<string, string>
        {
            ["System.Void"] = "void", ["System.Boolean"] = "bool", ["System.Byte"] = "byte", ["System.SByte"] = "sbyte",
            ["System.Int16"] = "short", ["System.UInt16"] = "ushort", ["System.Int32"] = "int", ["System.UInt32"] = "uint",
            ["System.Int64"] = "long", ["System.UInt64"] = "ulong", ["System.Single"] = "float", ["System.Double"] = "double",
            ["System.Decimal"] = "decimal", ["System.Char"] = "char", ["System.String"] = "string", ["System.Object"] = "object",
            ["System.IntPtr"] = "nint", ["System.UIntPtr"] = "nuint",
        };

        public static string Of(MethodDefinition method) =>
            "(" + string.Join(", ", method.Parameters.Select(Parameter)) + ")";

        static string Parameter(ParameterDefinition parameter)
        {
            var type = parameter.ParameterType;
            while (type is IModifierType modified) type = modified.ElementType;
            if (type is ByReferenceType byRef)
            {
                var prefix = parameter.IsOut ? "out " : parameter.IsIn ? "in " : "ref ";
                return prefix + TypeText(byRef.ElementType);
            }
            var isParams = parameter.CustomAttributes.Any(a => a.AttributeType.FullName == "System.ParamArrayAttribute");
            return (isParams ? "params " : string.Empty) + TypeText(type);
        }

        static string TypeText(TypeReference type)
        {
            switch (type)
            {
                case IModifierType modified:
                    return TypeText(modified.ElementType);
                case ByReferenceType byRef:
                    return "ref " + TypeText(byRef.ElementType);
                case PointerType pointer:
                    return TypeText(pointer.ElementType) + "*";
                case ArrayType array:
                    return TypeText(array.ElementType) + "[" + new string(',', System.Math.Max(0, array.Rank - 1)) + "]";
                case GenericInstanceType generic:
                    var arguments = generic.GenericArguments.Select(TypeText).ToList();
                    var element = generic.ElementType;
                    if (element.FullName == "System.Nullable`1") return arguments[0] + "?";
                    if (element.Namespace == "System" && element.Name.StartsWith("ValueTuple`")) return "(" + string.Join(", ", arguments) + ")";
                    // a nested type's arguments include its outer types': keep the last ones, its own
                    var own = OwnArity(element);
                    return StripArity(element.Name) + "<" + string.Join(", ", arguments.Skip(System.Math.Max(0, arguments.Count - own))) + ">";
                case GenericParameter parameter:
                    return parameter.Name;
            }
            return Keywords.TryGetValue(type.FullName, out var keyword) ? keyword : StripArity(type.Name);
        }

        static int OwnArity(TypeReference type)
        {
            var tick = type.Name.IndexOf('`');
            return tick >= 0 && int.TryParse(type.Name.Substring(tick + 1), out var n) ? n : 0;
        }

        static string StripArity(string name)
        {
            var tick = name.IndexOf('`');
            return tick >= 0 ? name.Substring(0, tick) : name;
        }
    }
}
