/**
 * Built-in automated messages, used when an admin configured none: English, plus Italian, Dutch
 * and Korean (the languages of the seed documents). Keys are lower-case primary language subtags.
 */
import type { Trigger } from './automated-messages.js';

export const BUILT_IN_MESSAGES: Readonly<Record<string, Readonly<Record<Trigger, string>>>> = {
  en: {
    greeting: 'Hi {$customerName$}, thanks for contacting us! An agent will be with you shortly.',
    agent_assigned: '{AgentName} has joined the conversation.',
    assignment_failed: 'Sorry, no agent is available right now. Please try again later.',
    agent_ended: '{AgentName} has ended the conversation. Thank you for contacting us.',
    queue_position: 'You are number {Position} in the queue. Thanks for waiting.',
    next_in_line: "You're next in line. An agent will be with you shortly.",
    out_of_hours: "We're closed right now. We'll reply as soon as we open.",
    holiday: "We're closed today for {HolidayName}. We'll reply as soon as we reopen.",
    transfer_accepted: 'Your conversation has been transferred. Someone will be with you shortly.',
    session_ended: 'This conversation has ended. Thank you for contacting us!',
  },
  it: {
    greeting: 'Ciao {$customerName$}, grazie per averci contattato! Un operatore ti risponderà a breve.',
    agent_assigned: 'Ti sta rispondendo {AgentName}.',
    assignment_failed: 'Ci dispiace, al momento nessun operatore è disponibile. Riprova più tardi.',
    agent_ended: '{AgentName} ha chiuso la conversazione. Grazie per averci contattato.',
    queue_position: "Sei il numero {Position} in coda. Grazie per l'attesa.",
    next_in_line: 'Sei il prossimo! Un operatore ti risponderà a breve.',
    out_of_hours: 'Al momento siamo chiusi. Ti risponderemo appena riapriamo.',
    holiday: 'Oggi siamo chiusi per {HolidayName}. Ti risponderemo appena riapriamo.',
    transfer_accepted: 'La tua conversazione è stata trasferita. Qualcuno ti risponderà a breve.',
    session_ended: 'La conversazione è terminata. Grazie per averci contattato!',
  },
  nl: {
    greeting: 'Hallo {$customerName$}, bedankt voor je bericht! Een medewerker helpt je zo.',
    agent_assigned: '{AgentName} helpt je verder.',
    assignment_failed: 'Sorry, er is op dit moment geen medewerker beschikbaar. Probeer het later opnieuw.',
    agent_ended: '{AgentName} heeft het gesprek beëindigd. Bedankt voor je bericht.',
    queue_position: 'Je bent nummer {Position} in de wachtrij. Bedankt voor je geduld.',
    next_in_line: 'Jij bent de volgende. Een medewerker helpt je zo.',
    out_of_hours: 'We zijn nu gesloten. We reageren zodra we weer open zijn.',
    holiday: 'We zijn vandaag gesloten vanwege {HolidayName}. We reageren zodra we weer open zijn.',
    transfer_accepted: 'Je gesprek is doorgeschakeld. Er helpt je zo iemand verder.',
    session_ended: 'Dit gesprek is beëindigd. Bedankt voor je bericht!',
  },
  ko: {
    greeting: '안녕하세요! 문의해 주셔서 감사합니다. 곧 상담원이 연결됩니다.',
    agent_assigned: '상담원 {AgentName}님이 연결되었습니다.',
    assignment_failed: '죄송합니다. 지금은 연결 가능한 상담원이 없습니다. 잠시 후 다시 시도해 주세요.',
    agent_ended: '상담원이 대화를 종료했습니다. 문의해 주셔서 감사합니다.',
    queue_position: '현재 대기 순서는 {Position}번째입니다. 기다려 주셔서 감사합니다.',
    next_in_line: '다음 순서입니다. 곧 상담원이 연결됩니다.',
    out_of_hours: '지금은 운영 시간이 아닙니다. 운영 시간에 답변드리겠습니다.',
    holiday: '오늘은 {HolidayName} 휴무입니다. 영업을 재개하면 답변드리겠습니다.',
    transfer_accepted: '대화가 다른 상담원에게 전달되었습니다. 잠시만 기다려 주세요.',
    session_ended: '대화가 종료되었습니다. 문의해 주셔서 감사합니다!',
  },
};
