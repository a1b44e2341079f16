// A paragraph that starts with a bold label and a colon (「**目安時間**: 30 分」) is a label line,
// not a sentence: ja-no-mixed-period does not ask it to end with 。. Every other rule still runs.
"use strict";
module.exports = function (context) {
  const { Syntax, shouldIgnore } = context;
  return {
    [Syntax.Paragraph](node) {
      const [label, rest] = node.children;
      if (
        label && label.type === Syntax.Strong &&
        rest && rest.type === Syntax.Str && /^[:：]/.test(rest.value)
      ) {
        shouldIgnore(node.range, { ruleId: "ja-no-mixed-period" });
      }
    },
  };
};
