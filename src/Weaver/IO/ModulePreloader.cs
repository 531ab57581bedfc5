using System;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Collections.Generic;

namespace AsyncProf.Weaver.IO
{
    /// <summary>
    /// Makes Cecil read everything it reads lazily (method bodies, custom attribute blobs, signatures, symbols)
    /// right after the module is opened, so damage in the file shows up here, as bad input, and not halfway
    /// through rewriting, where it would look like a weaver bug. What part was being read names the damage.
    /// </summary>
    internal static class ModulePreloader
    {
        /// <summary>Thrown with the part of the assembly that could not be read ("method bodies", ...).</summary>
        public sealed class DamagedPart : Exception
        {
            public DamagedPart(string part, Exception inner) : base(part, inner) => Part = part;
            public string Part { get; }
        }

        public static void LoadCode(ModuleDefinition module)
        {
            var part = "the assembly's attributes";
            try
            {
                Touch(module.CustomAttributes);
                if (module.Assembly != null) Touch(module.Assembly.CustomAttributes);
                foreach (var type in module.GetTypes())
                {
                    part = "type definitions";
                    _ = type.BaseType;
                    foreach (var i in type.Interfaces) { _ = i.InterfaceType; Touch(i.CustomAttributes); }
                    TouchGenerics(type.GenericParameters);
                    part = "custom attributes";
                    Touch(type.CustomAttributes);
                    part = "fields";
                    foreach (var f in type.Fields)
                    {
                        _ = f.FieldType;
                        _ = f.InitialValue;
                        if (f.HasConstant) _ = f.Constant;
                        Touch(f.CustomAttributes);
                    }
                    part = "properties and events";
                    foreach (var p in type.Properties) { _ = p.PropertyType; _ = p.GetMethod; Touch(p.CustomAttributes); }
                    foreach (var e in type.Events) { _ = e.EventType; _ = e.AddMethod; Touch(e.CustomAttributes); }
                    foreach (var m in type.Methods)
                    {
                        part = "method signatures";
                        _ = m.ReturnType;
                        foreach (var p in m.Parameters) { _ = p.ParameterType; Touch(p.CustomAttributes); }
                        TouchGenerics(m.GenericParameters);
                        _ = m.Overrides.Count;
                        Touch(m.CustomAttributes);
                        Touch(m.MethodReturnType.CustomAttributes);
                        if (!m.HasBody) continue;
                        part = "method bodies";
                        var body = m.Body;
                        foreach (var instruction in body.Instructions)
                            if (instruction.Operand is MemberReference member && !(member is TypeReference))
                                Require(member.DeclaringType != null);
                        foreach (var v in body.Variables) _ = v.VariableType;
                        foreach (var h in body.ExceptionHandlers) _ = h.CatchType;
                    }
                }
            }
            catch (Exception e) when (!(e is StackOverflowException))
            {
                throw new DamagedPart(part, e);
            }
        }

        /// <summary>Reads the symbols of every method (sequence points, scopes); a failure means a bad pdb, not a bad assembly.</summary>
        public static void LoadSymbols(ModuleDefinition module)
        {
            if (!module.HasSymbols) return;
            try
            {
                foreach (var type in module.GetTypes())
                    foreach (var m in type.Methods)
                    {
                        if (!m.HasBody) continue;
                        var info = m.DebugInformation;
                        _ = info.SequencePoints.Count;
                        TouchScope(info.Scope, 0);
                        _ = info.StateMachineKickOffMethod;
                        if (info.HasCustomDebugInformations) _ = info.CustomDebugInformations.Count;
                    }
            }
            catch (Exception e) when (!(e is StackOverflowException))
            {
                throw new DamagedPart("symbols", e);
            }
        }

        static void Require(bool wellFormed)
        {
            if (!wellFormed) throw new System.IO.InvalidDataException("a reference without its type");
        }

        static void TouchScope(ScopeDebugInformation? scope, int depth)
        {
            if (scope == null || depth > 1000) return;
            if (scope.HasVariables) _ = scope.Variables.Count;
            if (scope.HasConstants) foreach (var c in scope.Constants) _ = c.ConstantType;
            if (scope.HasScopes) foreach (var s in scope.Scopes) TouchScope(s, depth + 1);
        }

        static void TouchGenerics(Collection<GenericParameter> parameters)
        {
            foreach (var g in parameters)
            {
                foreach (var c in g.Constraints) _ = c.ConstraintType;
                Touch(g.CustomAttributes);
            }
        }

        static void Touch(Collection<CustomAttribute> attributes)
        {
            foreach (var a in attributes)
            {
                // Cecil gives a damaged reference a null type; the weaver would trip over it later.
                Require(a.Constructor?.DeclaringType != null);
                // Reading any of these parses the attribute's blob.
                _ = a.HasConstructorArguments;
                _ = a.HasProperties;
                _ = a.HasFields;
            }
        }
    }
}
