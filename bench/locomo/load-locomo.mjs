// Loads the LoCoMo development split (/work/shared/data/README.md) into the shape the benchmark
// needs: per sample, its sessions in order with timed turns, and its questions with evidence ids
// normalised to turns that exist.
import { readFile } from "node:fs/promises";

const months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/**
 * Parses a LoCoMo session time such as "1:56 pm on 8 May, 2023" as UTC (the data carries no time
 * zone; UTC keeps runs identical on every machine).
 */
export function parseSessionDate(text) {
  const match = /^\s*(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})\s*$/i.exec(text);
  const month = match ? months.indexOf(match[5].toLowerCase()) : -1;
  if (!match || month < 0) throw new Error(`Unrecognised LoCoMo session date: ${JSON.stringify(text)}`);
  const [, hours, minutes, meridiem, day, , year] = match;
  const hour = (Number(hours) % 12) + (meridiem.toLowerCase() === "pm" ? 12 : 0);
  return new Date(Date.UTC(Number(year), month, Number(day), hour, Number(minutes)));
}

/**
 * Evidence ids as the README prescribes: split on `;`/`,`, strip the stray colon ("D:11:26") and
 * leading zeros ("D30:05"), then keep only ids that name a turn of the sample, each once.
 */
export function normaliseEvidence(rawIds, turnIds) {
  const ids = [];
  for (const raw of rawIds) {
    for (const part of String(raw).split(/[;,]/)) {
      const match = /^D:?(\d+):(\d+)$/.exec(part.trim());
      if (!match) continue;
      const id = `D${Number(match[1])}:${Number(match[2])}`;
      if (turnIds.has(id) && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** "8 May 2023": the date a packed context line shows. */
export function formatDay(date) {
  const month = months[date.getUTCMonth()];
  return `${date.getUTCDate()} ${month[0].toUpperCase()}${month.slice(1)} ${date.getUTCFullYear()}`;
}

function readSessions(sampleId, conversation) {
  const numbers = Object.keys(conversation)
    .map((key) => /^session_(\d+)$/.exec(key)?.[1])
    .filter((number) => number !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return numbers.map((number) => {
    const dateText = conversation[`session_${number}_date_time`];
    if (!dateText) throw new Error(`${sampleId}: session_${number} has no session_${number}_date_time`);
    const date = parseSessionDate(dateText);
    const turns = conversation[`session_${number}`].map((turn, index) => readTurn(sampleId, conversation, number, date, turn, index));
    return { number, conversationId: `session_${number}`, dateText, date, turns };
  });
}

function readTurn(sampleId, conversation, sessionNumber, sessionDate, turn, index) {
  const { speaker_a: speakerA, speaker_b: speakerB } = conversation;
  if (turn.speaker !== speakerA && turn.speaker !== speakerB) throw new Error(`${sampleId} ${turn.dia_id}: unknown speaker ${turn.speaker}`);
  // Captions are the only trace of a shared image in the text, and questions ask about them.
  const content = turn.blip_caption ? `${turn.text} [shares a photo: ${turn.blip_caption}]` : turn.text;
  return {
    id: turn.dia_id,
    sessionNumber,
    role: turn.speaker === speakerA ? "user" : "assistant",
    name: turn.speaker,
    content,
    hasPhoto: Boolean(turn.blip_caption),
    // One second per turn keeps the order of a session's turns in their timestamps.
    createdAt: new Date(sessionDate.getTime() + index * 1000),
  };
}

function readQuestions(sampleId, qa, turnIds) {
  return qa.map((item, index) => ({
    sampleId,
    index,
    question: item.question,
    category: item.category,
    answer: item.answer ?? item.adversarial_answer,
    rawEvidence: item.evidence ?? [],
    evidence: normaliseEvidence(item.evidence ?? [], turnIds),
  }));
}

/**
 * Reads the LoCoMo JSON at `path`. Each sample: `{ sampleId, speakers, sessions, turns, turnById, questions }`,
 * where `turns` is every turn in session order and `questions[i].evidence` holds normalised turn ids.
 */
export async function loadLocomo(path) {
  const samples = JSON.parse(await readFile(path, "utf8"));
  if (!Array.isArray(samples)) throw new Error(`${path}: expected a JSON list of LoCoMo samples`);
  return samples.map((sample) => {
    const sessions = readSessions(sample.sample_id, sample.conversation);
    const turns = sessions.flatMap((session) => session.turns);
    const turnById = new Map(turns.map((turn) => [turn.id, turn]));
    return {
      sampleId: sample.sample_id,
      speakers: [sample.conversation.speaker_a, sample.conversation.speaker_b],
      sessions,
      turns,
      turnById,
      questions: readQuestions(sample.sample_id, sample.qa, new Set(turnById.keys())),
    };
  });
}
