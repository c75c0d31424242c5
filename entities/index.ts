import { Action } from './action';
import { ActionDescription } from './action-description';
import { ActionPlan } from './action-plan';
import { ApschedulerJob } from './apscheduler-job';
import { Audit } from './audit';
import { AuditTemplate } from './audit-template';
import { EfficacyIndicator } from './efficacy-indicator';
import { Goal } from './goal';
import { ScoringEngine } from './scoring-engine';
import { Service } from './service';
import { Strategy } from './strategy';

export {
  Action, ActionDescription, ActionPlan, ApschedulerJob, Audit, AuditTemplate,
  EfficacyIndicator, Goal, ScoringEngine, Service, Strategy,
};

/** Watcher's models, as upstream master's watcher/db/sqlalchemy/models.py declares them. */
export const WATCHER_ENTITIES = [
  Goal, Strategy, AuditTemplate, Audit, ActionPlan, Action, EfficacyIndicator,
  ScoringEngine, Service, ActionDescription, ApschedulerJob,
];
