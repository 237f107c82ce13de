#include "server/rules/condition/parser.h"

#include "gtest/gtest.h"

namespace saker::rules {
namespace {

std::string P(const std::string& cond) {
  Position err;
  auto n = ParseCondition(SourceText::Synthetic(cond, Position{"t", 1, 1}), {}, &err);
  if (!n.ok()) {
    return "ERROR: " + std::string(n.status().message());
  }
  return n->ToString();
}

Position ErrPos(const std::string& cond) {
  Position err;
  // Column i+1 for character i: a one-line condition starting at 1:1.
  SourceText st;
  for (size_t i = 0; i < cond.size(); ++i) {
    st.AppendSynthetic(cond.substr(i, 1), Position{"t.yaml", 7, static_cast<int>(i) + 1});
  }
  auto n = ParseCondition(st, {}, &err);
  EXPECT_FALSE(n.ok()) << cond;
  return err;
}

TEST(Parser, EveryOperator) {
  EXPECT_EQ(P("proc.name = bash"), "proc.name = bash");
  EXPECT_EQ(P("proc.name==bash"), "proc.name = bash");
  EXPECT_EQ(P("proc.name!=bash"), "proc.name != bash");
  EXPECT_EQ(P("evt.rawres<0"), "evt.rawres < 0");
  EXPECT_EQ(P("evt.rawres <= -1"), "evt.rawres <= -1");
  EXPECT_EQ(P("evt.rawres>0x10"), "evt.rawres > 0x10");
  EXPECT_EQ(P("proc.duration >= 5000000000"), "proc.duration >= 5000000000");
  EXPECT_EQ(P("proc.cmdline contains x"), "proc.cmdline contains x");
  EXPECT_EQ(P("proc.cmdline icontains X"), "proc.cmdline icontains X");
  EXPECT_EQ(P("fd.name startswith /etc"), "fd.name startswith /etc");
  EXPECT_EQ(P("fd.name endswith .pem"), "fd.name endswith .pem");
  EXPECT_EQ(P("fd.name glob '/home/*/.ssh/*'"), "fd.name glob \"/home/*/.ssh/*\"");
  EXPECT_EQ(P("fd.name iglob '*.PEM'"), "fd.name iglob \"*.PEM\"");
  EXPECT_EQ(P("proc.name regex 'ba.*'"), "proc.name regex \"ba.*\"");
  EXPECT_EQ(P("evt.buffer bcontains cafebabe"), "evt.buffer bcontains cafebabe");
  EXPECT_EQ(P("evt.buffer bstartswith 7f454c46"), "evt.buffer bstartswith 7f454c46");
  EXPECT_EQ(P("proc.name in (a, b)"), "proc.name in (a, b)");
  EXPECT_EQ(P("proc.name in(a,b)"), "proc.name in (a, b)");
  EXPECT_EQ(P("proc.name in ()"), "proc.name in ()");
  EXPECT_EQ(P("proc.args intersects (\"-V\",\"-l\")"), "proc.args intersects (-V, -l)");
  EXPECT_EQ(P("fd.name pmatch (/var/run, /tmp)"), "fd.name pmatch (/var/run, /tmp)");
  EXPECT_EQ(P("proc.pname exists"), "proc.pname exists");
  EXPECT_EQ(P("proc.name in my_list"), "proc.name in (my_list)");
}

TEST(Parser, Modifiers) {
  EXPECT_EQ(P("proc.name = oneof (a, b)"), "proc.name = oneof (a, b)");
  EXPECT_EQ(P("fd.name startswith anyof (/a, /b)"), "fd.name startswith anyof (/a, /b)");
  EXPECT_EQ(P("fd.name contains allof (x,y)"), "fd.name contains allof (x, y)");
}

TEST(Parser, BooleanStructure) {
  EXPECT_EQ(P("a and b and c"), "(a and b and c)");
  EXPECT_EQ(P("a or b and c or d"), "(a or (b and c) or d)");
  EXPECT_EQ(P("not a and b"), "(not a and b)");
  EXPECT_EQ(P("not not a"), "a");
  EXPECT_EQ(P("not not not a"), "not a");
  EXPECT_EQ(P("not(a or b)"), "not (a or b)");
  EXPECT_EQ(P("a and(b or c)"), "(a and (b or c))");
  EXPECT_EQ(P("a or(b)"), "(a or b)");
  EXPECT_EQ(P("((a))"), "a");
  EXPECT_EQ(P("a\n  and\tb\r\n or c"), "((a and b) or c)");
}

TEST(Parser, Values) {
  EXPECT_EQ(P("proc.pname in (runc:[0:PARENT], runc:[1:CHILD])"),
            "proc.pname in (runc:[0:PARENT], runc:[1:CHILD])");
  EXPECT_EQ(P("fd.net != 127.0.0.0/8"), "fd.net != 127.0.0.0/8");
  EXPECT_EQ(P("evt.res startswith E"), "evt.res startswith E");
  EXPECT_EQ(P("fd.typechar='f'"), "fd.typechar = \"f\"");
  EXPECT_EQ(P("fd.typechar = 4"), "fd.typechar = 4");
  EXPECT_EQ(P("proc.name = 'a\\x41\\t'"), "proc.name = \"aA\t\"");
  EXPECT_EQ(P("proc.name = \"q\\\"q\""), "proc.name = \"q\"q\"");
  EXPECT_EQ(P("proc.name = 'a\\ b'"), "proc.name = \"a\\ b\"");
  EXPECT_EQ(P("evt.rawres in (0, 1, 2)"), "evt.rawres in (0, 1, 2)");
  EXPECT_EQ(P("evt.rawres > 1.5e+3"), "evt.rawres > 1.5e+3");
}

TEST(Parser, FieldArgs) {
  EXPECT_EQ(P("proc.aname[2]=sshd"), "proc.aname[2] = sshd");
  EXPECT_EQ(P("proc.args[0] = -c"), "proc.args[0] = -c");
  EXPECT_EQ(P("evt.arg[1] = x"), "evt.arg[1] = x");
  EXPECT_EQ(P("evt.arg.flags contains O_CREAT"), "evt.arg.flags contains O_CREAT");
  EXPECT_EQ(P("container.mount.dest[/proc*] exists"), "container.mount.dest[/proc*] exists");
  EXPECT_EQ(P("proc.env['HOME'] = /root"), "proc.env[HOME] = /root");
}

TEST(Parser, Transformers) {
  EXPECT_EQ(P("tolower(proc.name) = bash"), "tolower(proc.name) = bash");
  EXPECT_EQ(P("toupper(tolower(proc.name)) = BASH"), "toupper(tolower(proc.name)) = BASH");
  EXPECT_EQ(P("proc.name = val(proc.pname)"), "proc.name = val(proc.pname)");
  EXPECT_EQ(P("tolower(proc.name) = tolower(proc.pname)"),
            "tolower(proc.name) = tolower(proc.pname)");
  EXPECT_EQ(P("len(proc.args) > 3"), "len(proc.args) > 3");
  EXPECT_EQ(P("join(',', proc.args) = 'a,b'"), "join(\",\", proc.args) = \"a,b\"");
  EXPECT_EQ(P("concat(proc.name, \"-\", proc.pname) = a-b"),
            "concat(proc.name, \"-\", proc.pname) = a-b");
  EXPECT_EQ(P("b64(evt.buffer) contains x"), "b64(evt.buffer) contains x");
  EXPECT_EQ(P("basename(proc.exepath) in (sh, bash)"), "basename(proc.exepath) in (sh, bash)");
}

TEST(Parser, Errors) {
  EXPECT_NE(P("proc.name contains\"x\"").find("ERROR"), std::string::npos);
  EXPECT_NE(P("proc.name").find("ERROR"), std::string::npos);
  EXPECT_NE(P("a and").find("ERROR"), std::string::npos);
  EXPECT_NE(P("(a").find("ERROR"), std::string::npos);
  EXPECT_NE(P("a andb").find("ERROR"), std::string::npos);
  EXPECT_NE(P("evt.rawres > abc").find("ERROR"), std::string::npos);
  EXPECT_NE(P("proc.name = 'x\\\"'").find("ERROR"), std::string::npos);
  EXPECT_NE(P("proc.name = 'unterminated").find("ERROR"), std::string::npos);
  EXPECT_NE(P("proc.name in (a b)").find("ERROR"), std::string::npos);
}

TEST(Parser, ErrorPositions) {
  EXPECT_EQ(ErrPos("proc.name = a and ").ToString(), "t.yaml:7:19");
  EXPECT_EQ(ErrPos("proc.name bogus x").ToString(), "t.yaml:7:11");
  EXPECT_EQ(ErrPos("(proc.name = a").ToString(), "t.yaml:7:15");
}

TEST(Parser, DepthLimit) {
  // At the limit (parentheses and transformers nest), and one past it.
  std::string ok(kDefaultMaxDepth, '(');
  ok += "a" + std::string(kDefaultMaxDepth, ')');
  EXPECT_EQ(P(ok), "a");
  std::string past(kDefaultMaxDepth + 1, '(');
  past += "a" + std::string(kDefaultMaxDepth + 1, ')');
  EXPECT_EQ(P(past), "ERROR: exceeded max depth limit of 100 (saker.rules.limits.max_depth)");
  std::string t;
  for (int i = 0; i < kDefaultMaxDepth; ++i) {
    t += "tolower(";
  }
  EXPECT_EQ(P(t + "proc.name" + std::string(kDefaultMaxDepth, ')') + " = x").substr(0, 8),
            "tolower(");
  EXPECT_NE(P("tolower(" + t + "proc.name" + std::string(kDefaultMaxDepth + 1, ')') + " = x")
                .find("max depth"),
            std::string::npos);
  std::string deep(100000, '(');
  deep += "a" + std::string(100000, ')');
  EXPECT_NE(P(deep).find("max depth"), std::string::npos);
  ParseOptions small;
  small.max_depth = 10;
  std::string mid(20, '(');
  mid += "a" + std::string(20, ')');
  EXPECT_FALSE(ParseCondition(SourceText::Synthetic(mid, {}), small).ok());
}

TEST(Parser, MacroNamesMayStartWithKeywords) {
  EXPECT_EQ(P("not_interactive and order_x or andy"), "((not_interactive and order_x) or andy)");
}

}  // namespace
}  // namespace saker::rules
