#pragma once
// English captions made from a take's source labels (see source_labels.h), in
// the style of HumanML3D's texts: lower-case start, no final period, a
// gender-neutral subject ("a person", "someone", "the person").
//
// Each known label maps to a few hand-written phrasings:
//   bandai     content -> verb phrases ("walks while turning left"),
//              style   -> suffixes (", looking exhausted", " angrily"; "normal"
//                         adds nothing)
//   hdm05      class   -> verb phrases ("grabs something from a high shelf with
//                         the right hand")
//   reactidle  "idle" + "acted" | "genuine" -> verb phrase + suffix
//   cmu        the trial description itself, trimmed (one text)
// The texts are combined by a fixed order (no randomness), so the same labels
// always give the same texts. An unknown label throws intersynth::Error, so a
// new label is never silently described wrong.

#include <string>
#include <vector>

#include "intersynth/motion/source_labels.h"

namespace intersynth {

/// 1..max_texts distinct captions for the take, deterministic, first the most
/// varied ones (each text uses another subject and, where there are several,
/// another phrasing of the content and of the style). CMU gives exactly one
/// text (its description, trimmed). Throws Error naming the source, the take
/// and the label for an unknown source, content, style or class, a wrong
/// number of labels, or a CMU take without a description. max_texts must be
/// >= 1 (checked).
std::vector<std::string> DescribeLabels(const SourceLabels& labels, int max_texts = 3);

/// The labels DescribeLabels knows for `source` and `kind`: ("bandai",
/// "content"), ("bandai", "style"), ("hdm05", "class"), ("reactidle", "mode")
/// ("acted", "genuine"); sorted. Empty for any other pair. Used in error
/// messages and by tests.
std::vector<std::string> KnownLabels(const std::string& source, const std::string& kind);

}  // namespace intersynth
