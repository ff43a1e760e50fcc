export declare const entries: string[];
